import { type KeyboardEvent, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { formatDuration } from '../../ui/format';
import { nextZoom } from './TimelineZoom';
import { type TimelineItem, timelineItemAfterKey, timelineItemOrder } from './timeline-keys';
import { axisTicks, gapsToMark, timeScale, withLeastWidths } from './timeline-scale';
import type { Timeline, TimelineSpan } from './timeline-spans';

const LANE_HEIGHT = 22;
/** Marks drawn at most: a stream that breaks a rule on every frame would otherwise draw thousands. */
const MAX_BREAKS_DRAWN = 100;
/** Axis labels across the drawing at 1×. */
const TICKS = 5;
/** The drawing ends here (as a share of its width): room to the right so spans still open are seen running on. */
const DRAWN = 0.94;
/** …or further left, down to this, where a span still open starts too near the end to show its name and run on. */
const MIN_DRAWN = 0.6;
/** A span's label (13 px monospace): the width of a character, a little over, and its padding and borders, in px. */
const SPAN_CHAR_PX = 7.9;
const SPAN_PAD_PX = 14;
/** Of a span still open: characters of its name given room at the least (the whole name is its title) … */
const OPEN_LABEL_CHARS = 24;
/** … and the hatched room after them, where it is seen running on. */
const OPEN_RUN_ON_PX = 28;
/**
 * The width in px, at the least, of a span cut off by the next run (or of the run before it, ended): a pointer's
 * target (24 px, WCAG 2.5.8) beside the rule-break mark drawn over its last 7 px (that RUN_STARTED broke a rule).
 */
const BEFORE_RUN_MIN_PX = 32;
/** An axis label drawn ending at its instant (near the right edge): its mark on its right. */
const ENDING_AT_TICK = {
  transform: 'translateX(-100%)',
  borderLeft: 'none',
  borderRight: '1px solid var(--border)',
  paddingLeft: 0,
  paddingRight: 3,
} as const;
/** Width of one character of an axis label (10 px monospace), a little over, in pixels. */
const LABEL_CHAR_PX = 6.2;
/** Open spans named in the list at most. */
const MAX_OPEN_LISTED = 8;

/** A span in words: runs and text messages are labelled with their kind already. */
function spanName(span: TimelineSpan): string {
  if (span.kind === 'step') return `step ${span.label}`;
  if (span.kind === 'tool') return `tool call ${span.label}`;
  return span.label;
}

interface RunTimelineProps {
  timeline: Timeline;
  /** What it says with nothing to draw (`emptyTimelineWords`). */
  empty: string;
  onPick(seq: number): void;
  /** Times the width of the panel (TimelineZoom's levels). */
  zoom: number;
  onZoom(zoom: number): void;
}

const spanKey = (span: TimelineSpan) => `${span.kind}-${span.seq}`;
const breakKey = (seq: number) => `break-${seq}`;

/** Pixels a span still open takes at the least: its name (up to OPEN_LABEL_CHARS), then room to run on. */
function openSpanPx(span: TimelineSpan): number {
  return Math.min(span.label.length, OPEN_LABEL_CHARS) * SPAN_CHAR_PX + SPAN_PAD_PX + OPEN_RUN_ON_PX;
}

/**
 * Where the drawing ends (as a share of the canvas, `canvasPx` wide): at DRAWN, or further left where a span still
 * open starts so near the end that from there to the canvas's edge is less than `openSpanPx` — one started in the
 * run's last millisecond would be a sliver, its name cut to nothing. Not below MIN_DRAWN: the rest stays readable.
 */
function drawnShare(spans: readonly TimelineSpan[], position: (at: number) => number, canvasPx: number): number {
  let drawn = DRAWN;
  if (canvasPx <= 0) return drawn;
  for (const span of spans) {
    const at = position(span.start);
    if (span.end === null && span.cutAt === null && at > 0)
      drawn = Math.min(drawn, (1 - openSpanPx(span) / canvasPx) / at);
  }
  return Math.max(MIN_DRAWN, drawn);
}

/**
 * The time before each run but the first that is drawn BEFORE_RUN_MIN_PX wide at the least: from where the last span
 * it cut off started (or the run before started, if it ended). The run and what it opens are drawn in the same lanes
 * from its start: a span cut off a moment after it started, in a drawing of seconds, would lie under them, unseen.
 */
function stretchesBeforeRuns(spans: readonly TimelineSpan[]): [number, number][] {
  /** Per instant a run started at: the latest start of the spans it cut off. */
  const lastCut = new Map<number, number>();
  for (const span of spans)
    if (span.cutAt !== null) lastCut.set(span.cutAt, Math.max(lastCut.get(span.cutAt) ?? span.start, span.start));
  const starts = spans.filter((span) => span.kind === 'run').map((span) => span.start);
  return starts.slice(1).map((start, index) => [lastCut.get(start) ?? (starts[index] as number), start]);
}

/**
 * Runs, steps, text messages and tool calls as nested spans on a time axis. A span never closed runs out to the
 * right edge, hatched and fading, with room for its name however late it started (`drawnShare`), so a missing END is
 * seen at a glance, and is listed as text below; one cut off by the next run is given room before it however soon
 * that started (`stretchesBeforeRuns`); rule breaks are red marks. The axis is scaled to the run: long pauses are
 * drawn narrow and marked (timeline-scale.ts). Zoomed, the drawing scrolls; on it `+`, `-` and `0` zoom.
 *
 * The drawing is one stop for Tab however many spans it has (a roving tabindex): the arrow keys move the focus
 * between its spans and marks (timeline-keys.ts), scrolling the one focused into view; Enter opens it.
 */
export function RunTimeline({ timeline, empty, onPick, zoom, onZoom }: RunTimelineProps) {
  const { spans, breaks, from, to, instants } = timeline;
  const scroller = useRef<HTMLElement>(null);
  /** The share of the drawing at the middle of the view, kept there when the zoom changes. */
  const centre = useRef(0.5);
  /** The drawing's width in pixels at 1× (0 until measured): labels that would overlap at it make room. */
  const [viewWidth, setViewWidth] = useState(0);
  const scale = useMemo(() => {
    const clock = timeScale(instants, from, to);
    // Spans are drawn on MIN_DRAWN of the canvas at the least (drawnShare): the share of that BEFORE_RUN_MIN_PX takes.
    const canvasPx = viewWidth * zoom;
    return canvasPx > 0
      ? withLeastWidths(clock, stretchesBeforeRuns(spans), BEFORE_RUN_MIN_PX / (canvasPx * MIN_DRAWN))
      : clock;
  }, [instants, from, to, spans, viewWidth, zoom]);
  const drawnTo = useMemo(() => drawnShare(spans, scale.position, viewWidth * zoom), [spans, scale, viewWidth, zoom]);
  const charWidth = viewWidth > 0 ? LABEL_CHAR_PX / (viewWidth * zoom * drawnTo) : 0;
  const ticks = useMemo(
    () => axisTicks(scale, from, to, TICKS * zoom, charWidth, 1 / drawnTo),
    [scale, from, to, zoom, charWidth, drawnTo],
  );
  const drawn = spans.length > 0 || breaks.length > 0;
  const marks = useMemo(() => breaks.slice(0, MAX_BREAKS_DRAWN), [breaks]);
  const items = useMemo(
    () =>
      timelineItemOrder([
        ...spans.map((span): TimelineItem => ({ key: spanKey(span), at: span.start, lane: span.lane })),
        ...marks.map((mark): TimelineItem => ({ key: breakKey(mark.seq), at: mark.at, lane: -1 })),
      ]),
    [spans, marks],
  );
  /** The item Tab reaches: the last one focused while it is drawn, else the first. */
  const [focusedKey, setFocusedKey] = useState<string | null>(null);
  const tabStop = items.some((item) => item.key === focusedKey) ? focusedKey : (items[0]?.key ?? null);
  /** From where the first span or mark is drawn to where the last ends, as shares of the drawing. */
  const content = useMemo(() => {
    let first = 1;
    let last = 0;
    const reach = (start: number, end: number) => {
      first = Math.min(first, start * drawnTo);
      last = Math.max(last, end * drawnTo);
    };
    for (const span of spans) {
      const end = span.end ?? span.cutAt;
      reach(scale.position(span.start), end === null ? 1 / drawnTo : scale.position(end));
    }
    for (const mark of breaks) reach(scale.position(mark.at), scale.position(mark.at));
    return { first, last };
  }, [spans, breaks, scale, drawnTo]);
  useLayoutEffect(() => {
    const view = scroller.current;
    if (!drawn || !view) return;
    setViewWidth(view.clientWidth);
    const observer = new ResizeObserver(() => setViewWidth(view.clientWidth));
    observer.observe(view);
    return () => observer.disconnect();
  }, [drawn]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the zoom changed, to scroll to the same moment
  useLayoutEffect(() => {
    const view = scroller.current;
    // Never on empty time, where zoomed in nothing drawn would be in sight (a burst, then a pause before a frame).
    const at = Math.min(content.last, Math.max(content.first, centre.current));
    if (view) view.scrollLeft = at * view.scrollWidth - view.clientWidth / 2;
  }, [zoom]);

  const onScroll = () => {
    const view = scroller.current;
    if (view && view.scrollWidth > 0) centre.current = (view.scrollLeft + view.clientWidth / 2) / view.scrollWidth;
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const from = event.target instanceof HTMLElement ? event.target.dataset.item : undefined;
    const to =
      from === undefined
        ? null
        : timelineItemAfterKey(
            items,
            items.findIndex((item) => item.key === from),
            event.key,
          );
    if (to !== null) {
      // Its focus event, seen by the section's onFocus, makes it the Tab stop.
      scroller.current?.querySelector<HTMLElement>(`[data-item="${items[to]?.key}"]`)?.focus();
    } else if (event.key === '+' || event.key === '=') onZoom(nextZoom(zoom, 1));
    else if (event.key === '-') onZoom(nextZoom(zoom, -1));
    else if (event.key === '0') onZoom(1);
    else return;
    event.preventDefault();
  };

  if (!drawn) return <div className="empty">{empty}</div>;
  const x = (at: number) => scale.position(at) * drawnTo * 100;
  const lanes = spans.reduce((max, span) => Math.max(max, span.lane), 0) + 1;
  const open = spans.filter((span) => span.end === null);

  return (
    <div className="run-timeline" data-testid="run-timeline">
      <section
        ref={scroller}
        className="timeline"
        // Not in the Tab order (one of its spans is), yet focused by a click on it, so its keys zoom and scroll it.
        tabIndex={-1}
        aria-label="Run timeline drawing: arrow keys move between spans, Enter opens one, + and − zoom, 0 fits"
        onKeyDown={onKeyDown}
        onFocus={(event) => {
          const key = event.target.dataset.item;
          if (key !== undefined) setFocusedKey(key);
        }}
        onScroll={onScroll}
      >
        <div className="timeline-canvas" style={{ width: `${zoom * 100}%` }} data-testid="timeline-canvas">
          <div className="timeline-axis">
            {ticks.map((tick) => (
              <span
                key={tick.position}
                className={`timeline-tick${tick.afterGap ? ' after-gap' : ''}`}
                style={{ left: `${tick.position * drawnTo * 100}%`, ...(tick.align === 'end' && ENDING_AT_TICK) }}
              >
                {tick.label}
              </span>
            ))}
            {gapsToMark(scale.gaps, ticks, charWidth).map((gap) => (
              <span
                key={`label-${gap.from}`}
                className="timeline-gap-label"
                style={{ left: `${x(gap.from)}%`, width: `${x(gap.to) - x(gap.from)}%` }}
              >
                ⋯
              </span>
            ))}
          </div>
          <div className="timeline-lanes" style={{ height: lanes * LANE_HEIGHT + 6 }}>
            {scale.gaps.map((gap) => (
              <div
                key={`gap-${gap.from}`}
                className="timeline-gap"
                data-testid="timeline-gap"
                style={{ left: `${x(gap.from)}%`, width: `${x(gap.to) - x(gap.from)}%` }}
                title={`${formatDuration(gap.to - gap.from)} with nothing sent, drawn narrow`}
              />
            ))}
            {spans.map((span) => {
              const left = x(span.start);
              const state = span.end === null ? 'open — never ended' : `${formatDuration(span.end - span.start)}`;
              const width =
                span.end !== null
                  ? `max(6px, ${x(span.end) - left}%)`
                  : span.cutAt !== null
                    ? `max(6px, ${x(span.cutAt) - left}%)`
                    : `calc(100% - ${left}%)`;
              return (
                <button
                  type="button"
                  key={spanKey(span)}
                  data-item={spanKey(span)}
                  tabIndex={spanKey(span) === tabStop ? 0 : -1}
                  className={`timeline-span ${span.kind}${span.end === null ? ' open' : ''}${span.errored ? ' errored' : ''}`}
                  style={{ left: `${left}%`, width, top: span.lane * LANE_HEIGHT }}
                  title={`${span.label} (${state})`}
                  aria-label={`${spanName(span)}: ${state}`}
                  data-kind={span.kind}
                  data-open={span.end === null}
                  onClick={() => onPick(span.seq)}
                >
                  {span.label}
                </button>
              );
            })}
            {marks.map((mark) => (
              <button
                type="button"
                key={breakKey(mark.seq)}
                data-item={breakKey(mark.seq)}
                tabIndex={breakKey(mark.seq) === tabStop ? 0 : -1}
                className="timeline-break"
                style={{ left: `${x(mark.at)}%`, top: 2 }}
                title={mark.message}
                aria-label={`Rule broken: ${mark.message}`}
                onClick={() => onPick(mark.seq)}
              >
                !
              </button>
            ))}
          </div>
        </div>
      </section>
      {open.length > 0 && <OpenSpans open={open} from={from} onPick={onPick} />}
      {breaks.length > MAX_BREAKS_DRAWN && (
        <div className="field-error">
          {breaks.length} rule breaks; the first {MAX_BREAKS_DRAWN} are marked.
        </div>
      )}
    </div>
  );
}

/**
 * Keeps the list of open spans to one line of the panel however long their names: the heading never wraps, and
 * the entries share the width left, each cut with an ellipsis (the whole name on hover) rather than pushed out.
 */
const NO_WRAP = { whiteSpace: 'nowrap', flex: 'none' } as const;
const SHARED_WIDTH = { minWidth: 0, maxWidth: 260, flex: '0 1 auto' } as const;
const CUT_TO_FIT = { maxWidth: '100%' } as const;

/** The spans never ended, as text: what the hatched shapes say, for anyone not reading the drawing. */
function OpenSpans({ open, from, onPick }: { open: TimelineSpan[]; from: number; onPick(seq: number): void }) {
  return (
    <div className="row timeline-open" data-testid="open-spans">
      <span style={NO_WRAP}>Open ({open.length}):</span>
      <ul className="timeline-open-list" aria-label="Spans never ended">
        {open.slice(0, MAX_OPEN_LISTED).map((span) => {
          const text = `${spanName(span)} · since +${formatDuration(span.start - from)}${
            span.cutAt !== null ? ' (its run was followed by another)' : ''
          }`;
          return (
            <li key={`${span.kind}-${span.seq}`} style={SHARED_WIDTH}>
              <button type="button" className="small" style={CUT_TO_FIT} title={text} onClick={() => onPick(span.seq)}>
                {text}
              </button>
            </li>
          );
        })}
      </ul>
      {open.length > MAX_OPEN_LISTED && (
        <span className="muted" style={NO_WRAP}>
          and {open.length - MAX_OPEN_LISTED} more
        </span>
      )}
    </div>
  );
}
