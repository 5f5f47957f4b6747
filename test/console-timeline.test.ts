import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rendererModule } from '../e2e/helpers/renderer-module';
import type { FrameRecord } from '../src/shared/connections';

const { buildStreamRows } = await rendererModule('features/connections/frame-rows.ts');
const { plainTextMatcher } = await rendererModule('features/connections/frame-text-match.ts');
const { NO_FRAME_FILTER } = await rendererModule('stores/frame-view-store.ts');
const { buildTimeline, focusTimeline } = await rendererModule('features/connections/timeline-spans.ts');
const { frameRefreshDelay } = await rendererModule('features/connections/frame-refresh-delay.ts');

interface Span {
  kind: string;
  label: string;
  start: number;
  end: number | null;
  cutAt: number | null;
  lane: number;
  errored: boolean;
}
interface Timeline {
  spans: Span[];
  breaks: { seq: number; at: number; message: string }[];
  from: number;
  to: number;
}
type StreamRow = { kind: 'run'; label: string; frames: number } | { kind: 'frame'; frame: FrameRecord };

/** Frames as the engine records them, 10 ms apart. */
function frames(events: Record<string, unknown>[], direction: 'in' | 'out' = 'out'): FrameRecord[] {
  return events.map((event, index) => {
    const text = JSON.stringify(event);
    return {
      seq: index + 1,
      at: 1000 + index * 10,
      direction,
      size: text.length,
      text,
      binary: false,
      eventType: typeof event.type === 'string' ? event.type : null,
    };
  });
}

const run = (runId: string) => ({ type: 'RUN_STARTED', threadId: 't', runId });
const finished = { type: 'RUN_FINISHED', threadId: 't', runId: 'r1' };

test('a complete run: nested spans with start and end, steps and messages packed below the run', () => {
  const timeline: Timeline = buildTimeline(
    frames([
      run('r1'),
      { type: 'STEP_STARTED', stepName: 'thinking' },
      { type: 'TEXT_MESSAGE_START', messageId: 'm1', role: 'assistant' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm1', delta: 'Hoi' },
      { type: 'TEXT_MESSAGE_END', messageId: 'm1' },
      { type: 'STEP_FINISHED', stepName: 'thinking' },
      { type: 'TOOL_CALL_START', toolCallId: 'c1', toolCallName: 'lookup' },
      { type: 'TOOL_CALL_END', toolCallId: 'c1' },
      finished,
    ]),
  );
  assert.deepEqual(
    timeline.spans.map((span: Span) => [span.kind, span.label, span.start, span.end, span.lane]),
    [
      ['run', 'run r1', 1000, 1080, 0],
      ['step', 'thinking', 1010, 1050, 1],
      ['text', 'text m1', 1020, 1040, 2],
      // The step lane is free again after 1050: the tool call reuses it.
      ['tool', 'lookup', 1060, 1070, 1],
    ],
  );
  assert.deepEqual(timeline.breaks, []);
  assert.equal(timeline.from, 1000);
  assert.equal(timeline.to, 1080);
});

test('a missing END leaves the span open; broken rules are marked at the frame that broke them', () => {
  const timeline: Timeline = buildTimeline(
    frames([
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'x', delta: 'too early' },
      run('r1'),
      { type: 'TEXT_MESSAGE_START', messageId: 'm1', role: 'assistant' },
      { type: 'TOOL_CALL_ARGS', toolCallId: 'nope', delta: '{}' },
      finished,
      run('r2'),
      { type: 'TOOL_CALL_START', toolCallId: 'c2', toolCallName: 'slow_tool' },
    ]),
  );
  const byLabel = Object.fromEntries(timeline.spans.map((span: Span) => [span.label, span]));
  assert.equal(byLabel['text m1']?.end, null, 'never ended');
  assert.equal(byLabel['text m1']?.cutAt, 1050, 'drawn up to the next run');
  assert.equal(byLabel['run r1']?.end, 1040);
  assert.equal(byLabel['run r2']?.end, null, 'the second run is still going');
  assert.equal(byLabel.slow_tool?.lane, 1, 'a new run starts its lanes afresh');
  assert.deepEqual(
    timeline.breaks.map((mark) => [mark.seq, mark.message]),
    [
      [1, 'TEXT_MESSAGE_CONTENT outside a run: send RUN_STARTED first'],
      [4, 'TOOL_CALL_ARGS for nope, which has no open TOOL_CALL_START'],
      [5, 'RUN_FINISHED with text m1 still open'],
    ],
  );
});

test('the client side is not drawn, and RUN_ERROR marks the run', () => {
  const timeline: Timeline = buildTimeline([
    ...frames([{ threadId: 't', messages: [] }], 'in'),
    ...frames([run('r1'), { type: 'RUN_ERROR', message: 'boom' }]).map((frame) => ({ ...frame, seq: frame.seq + 1 })),
  ]);
  assert.equal(timeline.spans.length, 1);
  assert.equal(timeline.spans[0]?.errored, true);
  assert.deepEqual(buildTimeline([]), { spans: [], breaks: [], from: 0, to: 0, instants: [] });
});

test('focus: the latest run on its own time range, an earlier one, or everything', () => {
  const all: Timeline = buildTimeline(
    frames([
      run('r1'),
      { type: 'STEP_STARTED', stepName: 'a' },
      { type: 'STEP_FINISHED', stepName: 'a' },
      finished,
      run('r2'),
      { type: 'STEP_STARTED', stepName: 'b' },
    ]),
  );
  const latest: Timeline = focusTimeline(all, 'latest');
  assert.deepEqual(
    latest.spans.map((span) => span.label),
    ['run r2', 'b'],
  );
  assert.equal(latest.from, 1040);
  assert.equal(latest.to, 1050);
  const first: Timeline = focusTimeline(all, 1);
  assert.deepEqual(
    first.spans.map((span) => span.label),
    ['run r1', 'a'],
  );
  assert.equal(first.to, 1030, 'an earlier run ends where it ended, not where the next began');
  assert.equal(focusTimeline(all, 'all'), all);
});

test('stream rows: frames grouped under their run, filtered by type and text, empty groups left out', () => {
  const list = [
    ...frames([{ threadId: 't', messages: [] }], 'in'),
    ...frames([
      run('r1'),
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm', delta: 'Bella Rosa' },
      finished,
      run('r2'),
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm', delta: 'anders' },
    ]).map((frame) => ({ ...frame, seq: frame.seq + 1 })),
  ];
  const describe = (rows: StreamRow[]) =>
    rows.map((row) => (row.kind === 'run' ? `# ${row.label} (${row.frames})` : `${row.frame.seq}`));
  assert.deepEqual(describe(buildStreamRows(list, NO_FRAME_FILTER).rows), [
    '# Outside a run (1)',
    '1',
    '# Run r1 (3)',
    '2',
    '3',
    '4',
    '# Run r2 (2)',
    '5',
    '6',
  ]);
  const filter = { ...NO_FRAME_FILTER, types: ['TEXT_MESSAGE_CONTENT'], text: 'bella' };
  assert.deepEqual(describe(buildStreamRows(list, filter, plainTextMatcher('bella')).rows), ['# Run r1 (1)', '3']);
});

test('when the oldest frames were dropped, nothing before the first kept RUN_STARTED is judged', () => {
  const kept = frames([
    { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm', delta: 'a' },
    { type: 'TEXT_MESSAGE_END', messageId: 'm' },
    finished,
    run('r2'),
    { type: 'TEXT_MESSAGE_CONTENT', messageId: 'x', delta: 'b' },
  ]).map((frame) => ({ ...frame, seq: frame.seq + 100 }));
  const timeline: Timeline = buildTimeline(kept);
  assert.deepEqual(
    timeline.breaks.map((mark) => mark.seq),
    [105],
  );
  const rows: StreamRow[] = buildStreamRows(kept, NO_FRAME_FILTER).rows;
  assert.equal(rows[0]?.kind === 'run' && rows[0].label, 'Earlier frames (older ones not kept)');
});

test("the timeline shows a connection's first frames at once, then refreshes at most once per interval", () => {
  // Nothing shown yet: the first frames replace "No run yet" without waiting, however recent the last refresh.
  assert.equal(frameRefreshDelay(0, 10_000, 10_001, 500), 0);
  // Frames shown: what is left of the interval since the last refresh, and never a negative wait.
  assert.equal(frameRefreshDelay(12, 10_000, 10_100, 500), 400);
  assert.equal(frameRefreshDelay(12, 10_000, 10_500, 500), 0);
  assert.equal(frameRefreshDelay(12, 10_000, 10_700, 500), 0);
});

test('a run sent within one millisecond (speed 0) is drawn in order: its steps side by side, not one on another', () => {
  const sameInstant = frames([
    run('r1'),
    { type: 'STEP_STARTED', stepName: 'routing' },
    { type: 'STEP_FINISHED', stepName: 'routing' },
    { type: 'STEP_STARTED', stepName: 'thinking' },
    { type: 'TEXT_MESSAGE_START', messageId: 'm1', role: 'assistant' },
    { type: 'TEXT_MESSAGE_END', messageId: 'm1' },
    { type: 'STEP_FINISHED', stepName: 'thinking' },
    finished,
  ]).map((frame) => ({ ...frame, at: 5_000 }));
  const timeline: Timeline = buildTimeline(sameInstant);
  const span = (label: string) => timeline.spans.find((candidate) => candidate.label === label) as Span;
  const routing = span('routing');
  const thinking = span('thinking');
  assert.equal(routing.lane, thinking.lane, 'one after the other in one lane');
  assert.ok((routing.end as number) < thinking.start, 'routing ends before thinking starts');
  assert.ok(thinking.start < span('text m1').start && (span('text m1').end as number) < (thinking.end as number));
  assert.ok((thinking.end as number) < (span('run r1').end as number));
  // Within the millisecond: the axis (whole milliseconds) still says +0 ms to the end.
  assert.equal(timeline.from, 5_000);
  assert.ok(timeline.to - timeline.from < 1, `${timeline.to - timeline.from}`);
});

test('the run picker shows the end of a long run id, where ids made from a timestamp differ', async () => {
  const { shortRunId } = await rendererModule('features/connections/timeline-spans.ts');
  assert.equal(shortRunId('run-1'), 'run-1');
  const first = shortRunId('run-1718000000123');
  const second = shortRunId('run-1718000000456');
  assert.notEqual(first, second);
  assert.equal(second, '…000000456');
});
