import { formatDuration } from '../../ui/format';
import type { Timeline } from './timeline-spans';

const LANE_HEIGHT = 22;
/** Marks drawn at most: a stream that breaks a rule on every frame would otherwise draw thousands. */
const MAX_BREAKS_DRAWN = 100;
const TICKS = 5;

/**
 * Runs, steps, text messages and tool calls as nested spans on a time axis. A span never closed runs out to the
 * right edge, hatched and fading, so a missing END is seen at a glance; rule breaks are red marks.
 */
export function RunTimeline({ timeline, onPick }: { timeline: Timeline; onPick(seq: number): void }) {
  const { spans, breaks, from, to } = timeline;
  if (spans.length === 0 && breaks.length === 0)
    return <div className="empty">No run yet: the timeline draws runs as the agent sends them.</div>;
  const duration = Math.max(to - from, 1);
  // Room to the right so spans still open are visibly running on.
  const range = duration * 1.06;
  const x = (at: number) => `${((at - from) / range) * 100}%`;
  const lanes = spans.reduce((max, span) => Math.max(max, span.lane), 0) + 1;
  return (
    <div className="timeline" data-testid="run-timeline">
      <div className="timeline-axis">
        {Array.from({ length: TICKS }, (_, i) => {
          const at = from + (duration * i) / (TICKS - 1);
          return (
            <span key={at} className="timeline-tick" style={{ left: x(at) }}>
              +{formatDuration(at - from)}
            </span>
          );
        })}
      </div>
      <div style={{ position: 'relative', height: lanes * LANE_HEIGHT + 6, marginTop: 4 }}>
        {spans.map((span) => {
          const left = x(span.start);
          const width =
            span.end === null ? `calc(100% - ${left})` : `max(6px, ${((span.end - span.start) / range) * 100}%)`;
          const state = span.end === null ? 'open — never ended' : formatDuration(span.end - span.start);
          return (
            <button
              type="button"
              key={`${span.kind}-${span.seq}`}
              className={`timeline-span ${span.kind}${span.end === null ? ' open' : ''}${span.errored ? ' errored' : ''}`}
              style={{ left, width, top: span.lane * LANE_HEIGHT }}
              title={`${span.label} (${state})`}
              data-kind={span.kind}
              data-open={span.end === null}
              onClick={() => onPick(span.seq)}
            >
              {span.label}
            </button>
          );
        })}
        {breaks.slice(0, MAX_BREAKS_DRAWN).map((mark) => (
          <button
            type="button"
            key={`break-${mark.seq}`}
            className="timeline-break"
            style={{ left: x(mark.at), top: 2 }}
            title={mark.message}
            aria-label={`Rule broken: ${mark.message}`}
            onClick={() => onPick(mark.seq)}
          >
            !
          </button>
        ))}
      </div>
      {breaks.length > MAX_BREAKS_DRAWN && (
        <div className="field-error">
          {breaks.length} rule breaks; the first {MAX_BREAKS_DRAWN} are marked.
        </div>
      )}
    </div>
  );
}
