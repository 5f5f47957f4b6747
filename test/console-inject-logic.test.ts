import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rendererModule } from '../e2e/helpers/renderer-module';
import type { FrameRecord } from '../src/shared/connections';

const { timeScale, axisTicks, IDLE_MIN_MS, GAP_WIDTH } = await rendererModule('features/connections/timeline-scale.ts');
const { buildTimeline, focusTimeline } = await rendererModule('features/connections/timeline-spans.ts');
const drafts = await rendererModule('features/inject/draft-storage.ts');
const recents = await rendererModule('features/inject/recent-payloads.ts');
const bodies = await rendererModule('features/inject/payload-bodies.ts');
const macroFields = await rendererModule('features/inject/macro-fields.ts');
const { MACROS, macroParams } = macroFields;

/** localStorage as the browser has it: strings by key, in insertion order, with a quota. */
class MemoryStorage {
  private items = new Map<string, string>();
  constructor(private readonly quotaChars = Number.POSITIVE_INFINITY) {}
  get length() {
    return this.items.size;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    const used = [...this.items].reduce((sum, [k, v]) => sum + (k === key ? 0 : v.length), 0);
    if (used + value.length > this.quotaChars) throw new Error('QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  clear() {
    this.items.clear();
  }
}

// ——— Timeline scale ———

test('a late frame: the pause is compressed and marked, the run keeps the drawing', () => {
  const run = Array.from({ length: 11 }, (_, index) => 10_000 + index * 50); // 500 ms of frames
  const late = 10_500 + 180_000; // three minutes later
  const scale = timeScale([...run, late], 10_000, late);
  assert.equal(scale.gaps.length, 1);
  assert.deepEqual([scale.gaps[0].from, scale.gaps[0].to], [10_500, late]);
  assert.equal(scale.position(10_000), 0);
  assert.ok(Math.abs(scale.position(late) - 1) < 1e-9, 'the last frame at the right edge');
  assert.ok(scale.position(10_500) > 0.95, `the run takes all but the pause: ${scale.position(10_500)}`);
  assert.ok(Math.abs(scale.gaps[0].end - scale.gaps[0].start - GAP_WIDTH) < 1e-9);
  // Drawn to the clock, the run would take 500 / 180 500 of the width.
  for (let at = 10_000; at < late; at += 997) assert.ok(scale.position(at + 997) >= scale.position(at), 'monotonic');
  assert.ok(scale.position(late + 100) > 1, 'after the end: on at the scale of active time');
});

test('pauses that are short or a small share of the time stay to scale; several long ones are each compressed', () => {
  const even = timeScale([0, 400, 800, 1_200, 3_000], 0, 3_000);
  assert.equal(even.gaps.length, 1, 'a pause of 1.8 s in 3 s is compressed');
  const linear = timeScale([0, 900, 1_800, 2_700], 0, 2_700);
  assert.deepEqual(linear.gaps, [], `pauses under ${IDLE_MIN_MS} ms are time`);
  assert.ok(Math.abs(linear.position(900) - 1 / 3) < 1e-9);
  const small = timeScale([0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_500], 0, 7_500);
  assert.deepEqual(small.gaps, [], 'a 1.5 s pause in 7.5 s of steady frames is part of the run');

  // 4 s of frames, a 20 s pause, 1 s of frames, a 180 s pause: both pauses go, the stretches keep their ratio.
  const frames = [0, 1_000, 2_000, 3_000, 4_000, 24_000, 25_000, 205_000];
  const scale = timeScale(frames, 0, 205_000);
  assert.equal(scale.gaps.length, 2);
  const first = scale.position(4_000) - scale.position(0);
  const second = scale.position(25_000) - scale.position(24_000);
  assert.ok(Math.abs(first / second - 4) < 1e-6, `${first} : ${second}`);

  const ticks = axisTicks(scale, 0, 205_000, 5);
  assert.equal(ticks[0].at, 0);
  assert.equal(ticks.at(-1).at, 205_000, 'the end of the time shown is labelled');
  const afterGaps = ticks.filter((tick: { afterGap: boolean }) => tick.afterGap).map((tick: { at: number }) => tick.at);
  assert.deepEqual(afterGaps, [24_000, 205_000], 'each pause is followed by the time it ended');
  for (const gap of scale.gaps)
    assert.ok(
      ticks.every((tick: { at: number }) => tick.at <= gap.from || tick.at >= gap.to),
      'no tick inside a pause',
    );
});

test('a run of a few milliseconds gets one axis label per millisecond at most, each saying a different time', () => {
  // Frames every millisecond (or 100 ms for the longer run): no pause to compress.
  const labels = (from: number, to: number, perWidth: number) => {
    const step = to - from > 100 ? 100 : 1;
    const instants = Array.from({ length: (to - from) / step + 1 }, (_, index) => from + index * step);
    const scale = timeScale(instants, from, to);
    return axisTicks(scale, from, to, perWidth).map((tick: { at: number }) => Math.round(tick.at - from));
  };
  assert.deepEqual(labels(1_000, 1_001, 5), [0, 1]);
  assert.deepEqual(labels(1_000, 1_003, 5), [0, 1, 2, 3]);
  assert.deepEqual(labels(1_000, 1_000, 5), [0], 'a run within one millisecond: one label');
  // Zoomed in (more labels across the drawing): still never two for the same millisecond.
  const zoomed = labels(1_000, 1_007, 40);
  assert.equal(new Set(zoomed).size, zoomed.length, zoomed.join(', '));
  assert.deepEqual(labels(0, 1_000, 5), [0, 200, 400, 600, 800, 1_000]);
});

test('axis labels are round times since the start, and the end of the time shown', () => {
  const labels = (to: number, perWidth: number) => {
    const instants = Array.from({ length: Math.floor(to / 10) + 1 }, (_, index) => index * 10);
    return axisTicks(timeScale(instants, 0, to), 0, to, perWidth).map((tick: { at: number }) => tick.at);
  };
  assert.deepEqual(labels(561, 5), [0, 100, 200, 300, 400, 500, 561]);
  assert.deepEqual(labels(2_830, 5), [0, 500, 1_000, 1_500, 2_000, 2_500, 2_830]);
  // The last round time gives way when it would crowd the end's label.
  assert.deepEqual(labels(1_010, 5), [0, 200, 400, 600, 800, 1_010]);
  // A run drawn within a couple of milliseconds (frames of one millisecond spread out): no label said twice.
  const fractional = axisTicks(timeScale([0, 0.5, 1, 1.41], 0, 1.41), 0, 1.41, 5).map((tick: { at: number }) =>
    Math.round(tick.at),
  );
  assert.deepEqual(fractional, [0, 1]);
  assert.deepEqual(
    axisTicks(timeScale([0, 0.3], 0, 0.3), 0, 0.3, 5).map((tick: { at: number }) => tick.at),
    [0],
    'within one millisecond: +0 ms once',
  );
});

test('the timeline carries the instants frames went out at, also when focused on one run', () => {
  const frame = (seq: number, at: number, event: Record<string, unknown>): FrameRecord => {
    const text = JSON.stringify(event);
    return { seq, at, direction: 'out', size: text.length, text, binary: false, eventType: String(event.type) };
  };
  const timeline = buildTimeline([
    frame(1, 100, { type: 'RUN_STARTED', threadId: 't', runId: 'r1' }),
    frame(2, 150, { type: 'RUN_FINISHED', threadId: 't', runId: 'r1' }),
    frame(3, 5_000, { type: 'CUSTOM', name: 'late', value: 1 }),
    frame(4, 9_000, { type: 'RUN_STARTED', threadId: 't', runId: 'r2' }),
  ]);
  assert.deepEqual(timeline.instants, [100, 150, 5_000, 9_000]);
  const first = focusTimeline(timeline, timeline.spans[0].seq);
  assert.deepEqual(first.instants, [100, 150, 5_000]);
  assert.equal(first.to, 5_000, 'the late frame belongs to the first run');
});

// ——— Drafts ———

const ENGINE = 'http://127.0.0.1:8000';
const draft = (patch: Record<string, unknown> = {}) => ({ ...drafts.emptyDraft(), updatedAt: 1_000, ...patch });

test('drafts are kept per engine and connection, and a pristine one is not kept at all', () => {
  const storage = new MemoryStorage();
  assert.equal(drafts.storeDraft(storage, ENGINE, 'c1', draft({ text: '{"type":"CUSTOM"}' })), true);
  assert.equal(drafts.storeDraft(storage, ENGINE, 'c2', draft({ closeReason: 'bye' })), true);
  assert.equal(drafts.storeDraft(storage, 'http://127.0.0.1:9000', 'c1', draft({ text: 'other engine' })), true);
  assert.equal(drafts.loadDraft(storage, ENGINE, 'c1', 2_000)?.text, '{"type":"CUSTOM"}');
  assert.equal(drafts.loadDraft(storage, 'http://127.0.0.1:9000', 'c1', 2_000)?.text, 'other engine');
  assert.equal(drafts.loadDraft(storage, ENGINE, 'c3', 2_000), undefined);

  assert.equal(drafts.storeDraft(storage, ENGINE, 'c2', draft()), true, 'back to nothing typed');
  assert.equal(storage.getItem(drafts.draftKey(ENGINE, 'c2')), null);

  // The engine no longer knows c1: its draft goes; the other engine's stays.
  drafts.forgetDraftsExcept(storage, ENGINE, (id: string) => id !== 'c1');
  assert.equal(drafts.loadDraft(storage, ENGINE, 'c1', 2_000), undefined);
  assert.ok(drafts.loadDraft(storage, 'http://127.0.0.1:9000', 'c1', 2_000));
});

test('drafts are bounded: size, count, age, the browser quota; what cannot be read is ignored', () => {
  const storage = new MemoryStorage();
  const big = 'x'.repeat(drafts.MAX_KEPT_DRAFT_CHARS);
  assert.equal(drafts.storeDraft(storage, ENGINE, 'big', draft({ text: big })), false, 'too large to keep');
  assert.equal(storage.length, 0);

  for (let n = 0; n < drafts.MAX_KEPT_DRAFTS + 5; n++)
    drafts.storeDraft(storage, ENGINE, `c${n}`, draft({ text: `draft ${n}`, updatedAt: 1_000 + n }));
  assert.equal(storage.length, drafts.MAX_KEPT_DRAFTS);
  assert.equal(drafts.loadDraft(storage, ENGINE, 'c0', 2_000), undefined, 'the oldest went');
  assert.ok(drafts.loadDraft(storage, ENGINE, `c${drafts.MAX_KEPT_DRAFTS + 4}`, 2_000));

  assert.equal(drafts.loadDraft(storage, ENGINE, 'c10', 1_010 + drafts.DRAFT_MAX_AGE_MS + 1), undefined, 'too old');
  assert.equal(storage.getItem(drafts.draftKey(ENGINE, 'c10')), null, 'and removed');

  storage.setItem(drafts.draftKey(ENGINE, 'junk'), '{"text": 5}');
  storage.setItem(drafts.draftKey(ENGINE, 'broken'), '{');
  assert.equal(drafts.loadDraft(storage, ENGINE, 'junk', 2_000), undefined);
  assert.equal(drafts.loadDraft(storage, ENGINE, 'broken', 2_000), undefined);

  // A full storage makes room from the oldest drafts, then keeps the new one.
  const tight = new MemoryStorage(3_000);
  for (let n = 0; n < 10; n++)
    drafts.storeDraft(tight, ENGINE, `t${n}`, draft({ text: 'y'.repeat(100), updatedAt: n }));
  assert.equal(drafts.storeDraft(tight, ENGINE, 'new', draft({ text: 'z'.repeat(1_500), updatedAt: 99 })), true);
  assert.ok(drafts.loadDraft(tight, ENGINE, 'new', 100));
});

// ——— Recent and saved payloads ———

test('recent payloads: newest first, the same one moved up rather than repeated, bounded, junk ignored', () => {
  const events = (name: string, at: number) => ({ kind: 'events', body: [{ type: 'CUSTOM', name }], at });
  let list: unknown[] = [];
  for (let n = 0; n < recents.MAX_RECENT_PAYLOADS + 3; n++) list = recents.withRecent(list, events(`e${n}`, n));
  assert.equal(list.length, recents.MAX_RECENT_PAYLOADS);
  list = recents.withRecent(list, events('e10', 100));
  assert.equal(list.length, recents.MAX_RECENT_PAYLOADS);
  assert.deepEqual((list[0] as { at: number }).at, 100);
  assert.equal(list.filter((item) => JSON.stringify(item).includes('"e10"')).length, 1);
  const huge = events('x'.repeat(recents.MAX_RECENT_PAYLOAD_CHARS), 200);
  assert.deepEqual(recents.withRecent(list, huge), list, 'too large to remember');

  const storage = new MemoryStorage();
  recents.writeRecent(storage, [events('kept', 1), { kind: 'macro', body: { macro: 'run-error', params: {} }, at: 2 }]);
  storage.setItem(
    recents.RECENT_PAYLOADS_KEY,
    JSON.stringify([...JSON.parse(storage.getItem(recents.RECENT_PAYLOADS_KEY) ?? '[]'), { kind: 'evil' }, 7]),
  );
  assert.deepEqual(
    recents.readRecent(storage).map((item: { kind: string }) => item.kind),
    ['events', 'macro'],
  );
  storage.setItem(recents.RECENT_PAYLOADS_KEY, 'not json');
  assert.deepEqual(recents.readRecent(storage), []);
});

test("the editor's text as a payload and back; a macro form's values from saved parameters", () => {
  assert.deepEqual(bodies.contentOfEditor('{"type":"CUSTOM","name":"a"}'), {
    kind: 'events',
    body: [{ type: 'CUSTOM', name: 'a' }],
  });
  assert.equal(bodies.contentOfEditor('[{"type":"A"},{"type":"B"}]').kind, 'events');
  assert.deepEqual(bodies.contentOfEditor('{"threadId":"t"}'), { kind: 'json', body: { threadId: 't' } });
  assert.deepEqual(bodies.contentOfEditor('[]'), { kind: 'json', body: [] });
  assert.deepEqual(bodies.contentOfEditor('{"type": "RUN_'), { kind: 'text', body: '{"type": "RUN_' });
  const single = bodies.contentOfEditor('{"type":"CUSTOM"}');
  assert.deepEqual(JSON.parse(bodies.editorTextOf(single)), { type: 'CUSTOM' }, 'one event is shown on its own');
  assert.equal(bodies.describeContent(bodies.contentOfEditor('[{"type":"A"},{"type":"B"}]')), 'A + 1 more');

  const toolCall = MACROS.find((macro: { name: string }) => macro.name === 'tool-call');
  const params = { toolCallName: 'lookup', args: { id: 7 }, result: 'plain text' };
  const values = bodies.macroFormValues(toolCall, params);
  assert.deepEqual(values, { toolCallName: 'lookup', displayName: '', args: '{"id":7}', result: 'plain text' });
  assert.deepEqual(macroParams(toolCall, values), { params });

  const taken = new Set(['greeting', 'greeting-2']);
  assert.equal(
    bodies.payloadIdFor('Greeting', (id: string) => taken.has(id)),
    'greeting-3',
  );
  assert.equal(
    bodies.payloadIdFor('Één “bericht”!', () => false),
    'een-bericht',
  );
  assert.equal(
    bodies.payloadIdFor('***', () => false),
    'payload',
  );
});

const { sentWords } = await rendererModule('features/inject/sent-words.ts');
const { macroFieldProblems, macroProblemLines } = macroFields;

const finding = (rule: string, index = 0) => ({ rule, index, title: rule, message: `${rule} broken` });

test('what a send did: a rule broken on many connections is named once, with on how many', () => {
  const results = Array.from({ length: 301 }, (_, n) => ({
    connectionId: `c${n}`,
    sent: 1,
    held: 0,
    findings: [finding('R3')],
  }));
  assert.equal(sentWords(results, true), 'Sent 301 events anyway, breaking R3 on 301 connections.');
  // Several rules: each once, with its own count, in the order first broken.
  const mixed = [
    { connectionId: 'a', sent: 2, held: 0, findings: [finding('T2', 1), finding('R3', 0)] },
    { connectionId: 'b', sent: 2, held: 0, findings: [finding('R3', 0), finding('R3', 1)] },
    { connectionId: 'c', sent: 2, held: 0, findings: [] },
  ];
  assert.equal(sentWords(mixed, true), 'Sent 6 events anyway, breaking T2 on 1 connection, R3 on 2 connections.');
  // One connection: the rules, each once.
  const one = [
    { connectionId: 'a', sent: 2, held: 0, findings: [finding('T2', 0), finding('T2', 1), finding('R3', 1)] },
  ];
  assert.equal(sentWords(one, false), 'Sent 2 events anyway, breaking T2, R3.');
  assert.equal(sentWords([{ connectionId: 'a', sent: 1, held: 0, findings: [] }], false), 'Sent 1 event.');
});

test('what a send did: events a paused connection holds are said to wait until delivery resumes', () => {
  assert.equal(
    sentWords([{ connectionId: 'a', sent: 1, held: 1, findings: [] }], false),
    'Sent 1 event. Held until delivery resumes (Socket tab).',
  );
  assert.equal(
    sentWords([{ connectionId: 'a', sent: 1, held: 1, findings: [finding('R3')] }], false),
    'Sent 1 event anyway, breaking R3. Held until delivery resumes (Socket tab).',
  );
  const several = [
    { connectionId: 'a', sent: 2, held: 2, findings: [] },
    { connectionId: 'b', sent: 2, held: 0, findings: [] },
    { connectionId: 'c', sent: 2, held: 2, findings: [] },
  ];
  assert.equal(
    sentWords(several, true),
    'Sent 6 events. 4 events held on 2 paused connections until delivery resumes.',
  );
});

test('macro forms: each field says what is wrong as typed, and Run names the fields by their labels', () => {
  const text = MACROS.find((macro: { name: string }) => macro.name === 'text-message');
  assert.ok(text);
  const problems = macroFieldProblems(text, { text: 'Hallo', chunkSize: '0', delayMs: '-5' });
  assert.deepEqual(problems, { chunkSize: 'must be at least 1', delayMs: 'must be at least 0' });
  assert.deepEqual(macroProblemLines(text, problems), [
    'Chunk size (characters): must be at least 1',
    'Delay between chunks (ms): must be at least 0',
  ]);
  assert.deepEqual(macroFieldProblems(text, { text: '', chunkSize: '2.5', delayMs: '' }), {
    text: 'must not be empty',
    chunkSize: 'must be a whole number',
  });
  assert.deepEqual(macroFieldProblems(text, { text: 'Hallo', chunkSize: '8', delayMs: '50' }), {});
  const tool = MACROS.find((macro: { name: string }) => macro.name === 'tool-call');
  assert.deepEqual(macroFieldProblems(tool, { toolCallName: '', args: '{oops', result: '' }), {
    toolCallName: 'must not be empty',
    args: 'this is not valid JSON',
  });
  const delta = MACROS.find((macro: { name: string }) => macro.name === 'state-delta');
  assert.deepEqual(macroFieldProblems(delta, { delta: '[]' }), { delta: 'a state delta needs at least one operation' });
});
