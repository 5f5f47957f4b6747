import type { FrameRecord } from '../../../../shared/connections';
import { parsedFrame, stringField } from './parsed-frame';

export type SpanKind = 'run' | 'step' | 'text' | 'tool';

export interface TimelineSpan {
  kind: SpanKind;
  label: string;
  /** Unix ms of the opening frame. */
  start: number;
  /** Unix ms of the closing frame; null while (or if never) closed. */
  end: number | null;
  /** For a span never closed before the next run started: where the drawing stops. */
  cutAt: number | null;
  /** Row on the timeline: runs on 0, what is inside them below. */
  lane: number;
  /** seq of the opening frame, to inspect it. */
  seq: number;
  /** Ended by RUN_ERROR. */
  errored: boolean;
}

/** A frame that broke the AG-UI sequence (as @ag-ui/client's verifyEvents would see it). */
export interface TimelineBreak {
  at: number;
  seq: number;
  message: string;
}

export interface Timeline {
  spans: TimelineSpan[];
  breaks: TimelineBreak[];
  /** Time range covered by the outgoing frames. */
  from: number;
  to: number;
  /** When each outgoing event was sent, in order: where the stream was busy and where it was idle. */
  instants: number[];
}

/**
 * Frames sent within one millisecond (a run at speed 0 sends all its events in one) are placed this far apart, in
 * the order they went out, so its steps and calls are spans side by side rather than all at one instant on top of
 * each other; the scale draws each step a millisecond wide (timeline-scale.ts). The axis labels whole milliseconds,
 * so this never shows as time.
 */
const SAME_MILLISECOND_STEP = 0.01;

/**
 * Builds the run timeline from the frames the server sent: runs, steps, text messages and tool calls as spans,
 * open ones left open, and the frames that break the sequence rules marked.
 */
export function buildTimeline(frames: readonly FrameRecord[]): Timeline {
  const spans: TimelineSpan[] = [];
  const breaks: TimelineBreak[] = [];
  const instants: number[] = [];
  /** End time per lane (Infinity while its span is open), for packing spans into as few rows as possible. */
  const laneEnds: number[] = [0];
  let run: TimelineSpan | null = null;
  const openSteps = new Map<string, TimelineSpan>();
  const openMessages = new Map<string, TimelineSpan>();
  const openTools = new Map<string, TimelineSpan>();
  let from = Number.POSITIVE_INFINITY;
  // When the oldest frames were dropped (the console keeps the newest only), the stream's context before the first
  // RUN_STARTED is unknown: nothing there can be judged against the rules.
  let contextKnown = (frames[0]?.seq ?? 1) === 1;
  let to = Number.NEGATIVE_INFINITY;

  /** Where the frame being read is drawn (see SAME_MILLISECOND_STEP). */
  let at = Number.NEGATIVE_INFINITY;
  const open = (kind: SpanKind, label: string, frame: FrameRecord): TimelineSpan => {
    let lane = 1;
    while ((laneEnds[lane] ?? 0) > at) lane++;
    laneEnds[lane] = Number.POSITIVE_INFINITY;
    const span: TimelineSpan = {
      kind,
      label,
      start: at,
      end: null,
      cutAt: null,
      lane,
      seq: frame.seq,
      errored: false,
    };
    spans.push(span);
    return span;
  };
  const close = (span: TimelineSpan) => {
    span.end = at;
    laneEnds[span.lane] = at;
  };
  const broke = (frame: FrameRecord, message: string) => {
    if (contextKnown) breaks.push({ at, seq: frame.seq, message });
  };

  for (const frame of frames) {
    if (frame.direction !== 'out' || !frame.eventType) continue;
    at = Math.max(frame.at, at + SAME_MILLISECOND_STEP);
    from = Math.min(from, at);
    to = Math.max(to, at);
    instants.push(at);
    const event = parsedFrame(frame);
    const type = frame.eventType;
    if (type === 'RUN_STARTED') {
      if (run) broke(frame, 'RUN_STARTED while a run is still active: finish it first');
      contextKnown = true;
      // What the last run left open stays open, but is drawn only up to here; the new run starts fresh lanes.
      for (const span of spans) if (span.end === null && span.cutAt === null) span.cutAt = at;
      laneEnds.length = 1;
      run = {
        kind: 'run',
        label: `run ${stringField(event, 'runId') ?? ''}`,
        start: at,
        end: null,
        cutAt: null,
        lane: 0,
        seq: frame.seq,
        errored: false,
      };
      spans.push(run);
      openSteps.clear();
      openMessages.clear();
      openTools.clear();
      continue;
    }
    if (!run) {
      if (type !== 'CUSTOM' && type !== 'RAW') broke(frame, `${type} outside a run: send RUN_STARTED first`);
      continue;
    }
    switch (type) {
      case 'RUN_FINISHED':
      case 'RUN_ERROR': {
        const stillOpen = [...openSteps.values(), ...openMessages.values(), ...openTools.values()];
        if (type === 'RUN_FINISHED' && stillOpen.length > 0)
          broke(frame, `RUN_FINISHED with ${stillOpen.map((span) => span.label).join(', ')} still open`);
        run.errored = type === 'RUN_ERROR';
        close(run);
        run = null;
        break;
      }
      case 'STEP_STARTED': {
        const name = stringField(event, 'stepName') ?? '';
        openSteps.set(name, open('step', name, frame));
        break;
      }
      case 'STEP_FINISHED': {
        const name = stringField(event, 'stepName') ?? '';
        const step = openSteps.get(name);
        if (step) {
          close(step);
          openSteps.delete(name);
        } else broke(frame, `STEP_FINISHED for "${name}", which was not started`);
        break;
      }
      case 'TEXT_MESSAGE_START': {
        const id = stringField(event, 'messageId') ?? '';
        if (openMessages.has(id)) broke(frame, `TEXT_MESSAGE_START for ${id}, which is already open`);
        openMessages.set(id, open('text', `text ${id}`, frame));
        break;
      }
      case 'TEXT_MESSAGE_CONTENT':
      case 'TEXT_MESSAGE_END': {
        const id = stringField(event, 'messageId') ?? '';
        const message = openMessages.get(id);
        if (!message) broke(frame, `${type} for ${id}, which has no open TEXT_MESSAGE_START`);
        else if (type === 'TEXT_MESSAGE_END') {
          close(message);
          openMessages.delete(id);
        }
        break;
      }
      case 'TOOL_CALL_START': {
        const id = stringField(event, 'toolCallId') ?? '';
        openTools.set(id, open('tool', stringField(event, 'toolCallName') ?? id, frame));
        break;
      }
      case 'TOOL_CALL_ARGS':
      case 'TOOL_CALL_END': {
        const id = stringField(event, 'toolCallId') ?? '';
        const tool = openTools.get(id);
        if (!tool) broke(frame, `${type} for ${id}, which has no open TOOL_CALL_START`);
        else if (type === 'TOOL_CALL_END') {
          close(tool);
          openTools.delete(id);
        }
        break;
      }
    }
  }
  return spans.length || breaks.length
    ? { spans, breaks, from, to, instants }
    : { spans, breaks, from: 0, to: 0, instants: [] };
}

/** Which part of the connection's life the timeline shows: the newest run, one run (by its seq), or all. */
export type TimelineScope = 'latest' | 'all' | number;

/** The spans and breaks of one run (from its RUN_STARTED to the next one), on that run's own time range. */
export function focusTimeline(timeline: Timeline, scope: TimelineScope): Timeline {
  if (scope === 'all') return timeline;
  const runs = timeline.spans.filter((span) => span.kind === 'run');
  const run = scope === 'latest' ? runs.at(-1) : runs.find((span) => span.seq === scope);
  if (!run) return timeline;
  const next = runs[runs.indexOf(run) + 1];
  const from = run.start;
  const until = next ? next.start : Number.POSITIVE_INFINITY;
  const inRun = (at: number) => at >= from && at < until;
  const spans = timeline.spans.filter((span) => inRun(span.start));
  const breaks = timeline.breaks.filter((mark) => inRun(mark.at));
  const instants = timeline.instants.filter(inRun);
  // Up to the last frame sent before the next run: a frame after this run's end is part of its range.
  const to = Math.max(
    from,
    ...spans.map((span) => span.end ?? span.cutAt ?? span.start),
    ...breaks.map((mark) => mark.at),
    instants.at(-1) ?? from,
  );
  return { spans, breaks, from, to, instants };
}

/** Characters of a run id the run picker shows. */
const RUN_ID_SHOWN = 10;

/**
 * What the timeline says with nothing to draw. Frames are numbered from 1 per connection: when the first one kept is
 * a later one, older frames are gone (let go of by the engine, or past what the console holds), runs maybe with them.
 */
export function emptyTimelineWords(firstSeq: number | undefined): string {
  if (firstSeq !== undefined && firstSeq > 1)
    return 'No run among the frames shown: older frames are no longer shown, and runs may be among them.';
  return 'No run yet: the timeline draws runs as the agent sends them.';
}

/**
 * A run's id as the run picker has room for: whole when short, else its end with an ellipsis. Ids made from a
 * timestamp or a counter differ at the end (`run-1718000000123`), so their starts would all read the same.
 */
export function shortRunId(runId: string): string {
  return runId.length <= RUN_ID_SHOWN ? runId : `…${runId.slice(-(RUN_ID_SHOWN - 1))}`;
}
