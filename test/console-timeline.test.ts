import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rendererModule } from '../e2e/helpers/renderer-module';
import type { FrameRecord } from '../src/shared/connections';

const { buildStreamRows } = await rendererModule('features/connections/frame-rows.ts');
const { plainTextMatcher } = await rendererModule('features/connections/frame-text-match.ts');
const { NO_FRAME_FILTER } = await rendererModule('stores/frame-view-store.ts');
const { buildTimeline, emptyTimelineWords, focusTimeline } = await rendererModule(
  'features/connections/timeline-spans.ts',
);
const { frameRefreshDelay } = await rendererModule('features/connections/frame-refresh-delay.ts');
const { timelineItemOrder } = await rendererModule('features/connections/timeline-keys.ts');

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

// ——— The time axis: labels that never overlap nor repeat ———

const { timeScale, axisTicks, tickLabel, gapsToMark, withLeastWidths } = await rendererModule(
  'features/connections/timeline-scale.ts',
);

interface Tick {
  at: number;
  position: number;
  afterGap: boolean;
  label: string;
  align: 'start' | 'middle' | 'end';
}

/** One label character as a share of the drawing: 6.2 px of the 536 px a timeline beside the inspector draws on. */
const CHAR = 6.2 / 536;

/** Where the console draws a label (timeline-tick): its characters, the tick's border and padding. */
function extent(tick: Tick, charWidth: number): [number, number] {
  const width = (tick.label.length + 1) * charWidth;
  if (tick.align === 'start') return [tick.position, tick.position + width];
  return tick.align === 'end'
    ? [tick.position - width, tick.position]
    : [tick.position - width / 2, tick.position + width / 2];
}

/** The axis ends here, as a share of the drawing: the console draws to 94% of its width. */
const RIGHT_EDGE = 1 / 0.94;

/**
 * What a person must be able to read off the axis: every label its own, none over another nor past the right edge,
 * in time order; the start's drawn from it (the console draws the first label so).
 */
function assertReadable(ticks: Tick[], charWidth: number, what: string) {
  const labels = ticks.map((tick) => tick.label);
  assert.equal(new Set(labels).size, labels.length, `${what}: a label said twice: ${labels.join(' ')}`);
  if (ticks[0] && !ticks[0].afterGap) assert.equal(ticks[0].align, 'start', `${what}: the first label starts there`);
  ticks.forEach((tick, index) => {
    const [starts, ends] = extent(tick, charWidth);
    assert.ok(starts >= 0 && ends <= RIGHT_EDGE + 1e-9, `${what}: ${tick.label} runs off the axis`);
    const before = ticks[index - 1];
    if (!before) return;
    assert.ok(before.at < tick.at && before.position < tick.position, `${what}: in order: ${labels.join(' ')}`);
    assert.ok(
      extent(before, charWidth)[1] <= starts,
      `${what}: ${before.label} drawn over ${tick.label}: ${labels.join(' ')}`,
    );
  });
}

const ticksOf = (instants: number[], from: number, to: number, zoom = 1, charWidth = CHAR / zoom): Tick[] =>
  axisTicks(timeScale(instants, from, to), from, to, 5 * zoom, charWidth, RIGHT_EDGE);

test('a run started, and 1.5 s later a text message: the end of the time shown is not drawn over the start', () => {
  // All the time shown is the pause: it is drawn narrow, and the end sits just after it, where +0 ms would be.
  const ticks = ticksOf([0, 1_530], 0, 1_530);
  assertReadable(ticks, CHAR, 'a pause right after the start');
  assert.deepEqual(
    ticks.map((tick) => tick.label),
    ['+1.53 s'],
    'the end wins: it says when sending resumed (the ⋯ before it, the start)',
  );
  assert.equal(ticks[0]?.afterGap, true);
  // A first stretch too short to label apart from the one after its pause: that one's start is labelled instead.
  const short = ticksOf([0, 5, 20_000, 20_400], 0, 20_400);
  assertReadable(short, CHAR, 'a short first stretch');
  assert.equal(short[0]?.label, '+20.0 s');
  assert.equal(short.at(-1)?.label, '+20.4 s');
});

test('a burst 65 s into the run: its end is labelled once, and zoomed in the labels say different times', () => {
  // RUN_STARTED, a stray frame 34 s later, and 30 s after that a macro's burst of frames 20 ms apart.
  const burst = Array.from({ length: 19 }, (_, index) => 64_653 + index * 20);
  const to = 65_023;
  const instants = [0, 34_000, ...burst, to];
  for (const zoom of [1, 2, 4, 8, 16, 32]) {
    const ticks = ticksOf(instants, 0, to, zoom);
    assertReadable(ticks, CHAR / zoom, `zoomed ${zoom}×`);
    assert.equal(ticks.at(-1)?.at, to, `zoomed ${zoom}×: the end is labelled`);
  }
  // The start and the stray frame are a pause apart but drawn close: the later one is labelled.
  assert.deepEqual(
    ticksOf(instants, 0, to).map((tick) => tick.label),
    ['+34.0 s', '+64.7 s', '+64.8 s', '+64.9 s', '+65.0 s'],
  );
  // Zoomed, ticks 20 ms apart say so: two decimals where one would say +65.0 s twice.
  const zoomed = ticksOf(instants, 0, to, 4).map((tick) => tick.label);
  assert.deepEqual(zoomed.slice(-3), ['+64.98 s', '+65.00 s', '+65.02 s']);
  // Not measured yet (no character width): still never the same label twice.
  assertReadable(ticksOf(instants, 0, to, 1, 0), 0, 'unmeasured');
});

test('a frame long after a short run: the end is labelled inside the axis, over the pause, which is then not marked', () => {
  // 250 ms of frames, then one 13 s later: the end sits at the right edge, after the pause drawn narrow.
  const instants = [...Array.from({ length: 11 }, (_, index) => index * 25), 13_250];
  const scale = timeScale(instants, 0, 13_250);
  const ticks = ticksOf(instants, 0, 13_250);
  assertReadable(ticks, CHAR, 'a late frame');
  const end = ticks.at(-1) as Tick;
  assert.deepEqual([end.label, end.align], ['+13.3 s', 'end'], 'drawn ending at its instant, not past the edge');
  assert.deepEqual(gapsToMark(scale.gaps, ticks, CHAR), [], 'its label covers the pause: no ⋯ under it');
  // Zoomed in there is room after it; and a label after a pause that starts there leaves the ⋯ before it.
  const zoomed = ticksOf(instants, 0, 13_250, 4);
  assert.equal(zoomed.at(-1)?.align, 'start');
  assert.equal(gapsToMark(scale.gaps, zoomed, CHAR / 4).length, 1);
  assert.equal(gapsToMark(timeScale([0, 1_530], 0, 1_530).gaps, ticksOf([0, 1_530], 0, 1_530), CHAR).length, 1);
});

test('a run sent within a millisecond or two fills the drawing in order, and within one its start says so', () => {
  // A macro's run: six frames in one millisecond, drawn 0.01 ms apart (timeline-spans.ts).
  const burst = [0, 0.01, 0.02, 0.03, 0.04, 0.05];
  const scale = timeScale(burst, 0, 0.05);
  assert.ok(Math.abs(scale.position(0.05) - 1) < 1e-9, `the run reaches the right edge: ${scale.position(0.05)}`);
  assert.ok(Math.abs(scale.position(0.01) - 0.2) < 1e-9, 'each frame a fifth further on');
  assert.deepEqual(
    ticksOf(burst, 0, 0.05).map((tick) => tick.label),
    ['+0 ms · sent within 1 ms, drawn in order'],
  );
  // Then a frame long after it: the pause is drawn narrow and the burst keeps the rest.
  const late = timeScale([...burst, 29_000], 0, 29_000);
  assert.equal(late.gaps.length, 1);
  assert.ok(late.position(0.05) > 0.9, `the burst keeps the drawing: ${late.position(0.05)}`);
  const lateTicks = ticksOf([...burst, 29_000], 0, 29_000);
  assertReadable(lateTicks, CHAR, 'a burst, then a late frame');
  assert.deepEqual(
    lateTicks.map((tick) => tick.label),
    ['+0 ms · sent within 1 ms, drawn in order', '+29.0 s'],
  );
  // Across a millisecond's turn (RUN_STARTED stamped one millisecond, the rest the next): still one step a frame.
  const turn = timeScale([0, 1, 1.01, 1.02, 1.03], 0, 1.03);
  assert.ok(Math.abs(turn.position(1.02) - turn.position(1) - 0.5) < 1e-9, 'the tool call, two steps of four');
  assert.equal(turn.withinMs, false);
  // Frames further apart than the clock tells are drawn to it.
  const paced = timeScale([0, 100, 150, 600], 0, 600);
  assert.ok(Math.abs(paced.position(150) - 0.25) < 1e-9);
  // One instant only (a run just started) has no length to spread.
  assert.equal(timeScale([0], 0, 0).position(0), 0);
});

test('stretches given a least width: each drawn at least that wide, the rest narrower in proportion', () => {
  const near = (actual: number, expected: number, what: string) =>
    assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual}, not ${expected}`);
  // A run cut off 2 ms after it started by one of a second: to the clock, a fifth of a percent of the drawing.
  const clock = timeScale([0, 1, 2, 500, 1000], 0, 1000);
  near(clock.position(2), 0.002, 'the cut run to the clock');
  const scale = withLeastWidths(clock, [[0, 2]], 0.05);
  near(scale.position(2), 0.05, 'the cut run');
  near(scale.position(1), 0.025, 'within it, in proportion');
  near(scale.position(1000), 1, 'the end');
  near((scale.position(1000) - scale.position(500)) / (scale.position(500) - scale.position(2)), 500 / 498, 'the rest');
  // One wide enough already is drawn as it was.
  const wide = withLeastWidths(clock, [[2, 500]], 0.05);
  for (const at of [0, 1, 2, 500, 1000]) near(wide.position(at), clock.position(at), `${at} ms`);

  // Raising one shrinks the rest, which can put another under: it is raised too.
  const two = withLeastWidths(
    timeScale([0, 1, 2, 53, 1000], 0, 1000),
    [
      [0, 1],
      [2, 53],
    ],
    0.05,
  );
  near(two.position(1), 0.05, 'the first');
  near(two.position(53) - two.position(2), 0.05, 'the second, wide enough before the first was raised');
  // More than fit: they share the drawing equally.
  const crowded = withLeastWidths(
    clock,
    [
      [0, 1],
      [1, 2],
      [2, 500],
      [500, 1000],
    ],
    0.5,
  );
  for (const [index, at] of [1, 2, 500, 1000].entries()) near(crowded.position(at), (index + 1) / 4, `${at} ms`);
  // So many that their least widths fill the drawing: the time after them (the last run) keeps a share too.
  const starts = Array.from({ length: 25 }, (_, run) => run * 1000);
  const many = withLeastWidths(
    timeScale([...starts, 54_000], 0, 54_000),
    starts.slice(1).map((start, run) => [starts[run] as number, start] as const),
    32 / 600,
  );
  near(many.position(54_000), 1, 'the end');
  near(many.position(54_000) - many.position(24_000), 1 / 25, 'the last run');

  // A pause drawn narrow moves with the time around it.
  const paused = timeScale([0, 1, 2, 3000, 3100], 0, 3100);
  assert.equal(paused.gaps.length, 1);
  const roomy = withLeastWidths(paused, [[0, 1]], 0.2);
  near(roomy.position(1), 0.2, 'the stretch before the pause');
  near(roomy.gaps[0]?.start ?? Number.NaN, roomy.position(2), 'the pause starts after the frame before it');
  near(roomy.gaps[0]?.end ?? Number.NaN, roomy.position(3000), 'and ends at the frame after it');
});

test('tick labels: whole milliseconds under a second, then seconds as precise as the ticks need', () => {
  assert.equal(tickLabel(0), '+0 ms');
  assert.equal(tickLabel(999.4), '+999 ms');
  assert.equal(tickLabel(999.6), '+1.00 s');
  assert.equal(tickLabel(1_530), '+1.53 s');
  assert.equal(tickLabel(65_023), '+65.0 s');
  assert.equal(tickLabel(64_980, 20), '+64.98 s');
  assert.equal(tickLabel(64_981, 1), '+64.981 s');
  assert.equal(tickLabel(1_500, 500), '+1.50 s');
});

test('any run, pause and zoom: the axis labels neither overlap nor repeat, and the end is labelled', () => {
  // A small deterministic generator: runs of frames, pauses of every length, ends far and near.
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let round = 0; round < 400; round++) {
    const from = Math.floor(random() * 1e6);
    const instants = [from];
    const frames = 1 + Math.floor(random() * 30);
    for (let index = 0; index < frames; index++) {
      const pause = random() < 0.2 ? random() * 120_000 : random() < 0.5 ? random() * 50 : random() * 2;
      instants.push((instants.at(-1) as number) + pause);
    }
    const to = instants.at(-1) as number;
    const zoom = 2 ** Math.floor(random() * 6);
    const width = 300 + random() * 900;
    const charWidth = 6.2 / (width * 0.94 * zoom);
    const ticks = ticksOf(instants, from, to, zoom, charWidth);
    const what = `round ${round}: ${instants.map((at) => Math.round(at - from)).join(',')} at ${zoom}×`;
    assertReadable(ticks, charWidth, what);
    assert.ok(ticks.length > 0, what);
    if (tickLabel(to - from) !== '+0 ms') assert.equal(ticks.at(-1)?.at, to, `${what}: the end is labelled`);
  }
});

test('an empty timeline says runs may be among the older frames gone, rather than that there was none', () => {
  assert.equal(emptyTimelineWords(undefined), 'No run yet: the timeline draws runs as the agent sends them.');
  assert.equal(emptyTimelineWords(1), 'No run yet: the timeline draws runs as the agent sends them.');
  // A flood pushed the run's frames out: the first frame kept is the 6,030th.
  assert.equal(
    emptyTimelineWords(6030),
    'No run among the frames shown: older frames are no longer shown, and runs may be among them.',
  );
});

test('the timeline items in reading order (by time, then lane) come as a new list: the one given is left as it was', () => {
  const given = [
    { key: 'late', at: 5, lane: 0 },
    { key: 'step', at: 1, lane: 1 },
    { key: 'break', at: 1, lane: -1 },
  ];
  const before = given.map((item) => item.key);
  const ordered = timelineItemOrder(given);
  assert.deepEqual(
    ordered.map((item: { key: string }) => item.key),
    ['break', 'step', 'late'],
  );
  assert.deepEqual(
    given.map((item) => item.key),
    before,
  );
});
