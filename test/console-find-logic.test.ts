import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rendererModule } from '../e2e/helpers/renderer-module';
import type { ConnectionSummary, FrameRecord } from '../src/shared/connections';

const { buildStreamRows, socketRows, isFiltering } = await rendererModule('features/connections/frame-rows.ts');
const { plainTextMatcher, regexProblem, SEARCHED_CHARS } = await rendererModule(
  'features/connections/frame-text-match.ts',
);
const { withNestedJson, parseJsonString } = await rendererModule('features/connections/parsed-frame.ts');
const { searchConnections, groupByThread, searchWords, searchKeyHint, noMatchText } = await rendererModule(
  'features/connections/connection-search.ts',
);
const { NO_FRAME_FILTER } = await rendererModule('stores/frame-view-store.ts');
const { NO_CONNECTION_QUERY, selectOpenConnections } = await rendererModule('stores/connections-store.ts');
const { frameBySeq } = await rendererModule('stores/frames-store.ts');

let seq = 0;
function frame(event: Record<string, unknown>, extra: Partial<FrameRecord> = {}): FrameRecord {
  const text = JSON.stringify(event);
  seq++;
  return {
    seq,
    at: 1000 + seq,
    direction: 'out',
    size: text.length,
    text,
    binary: false,
    eventType: typeof event.type === 'string' ? event.type : null,
    ...extra,
  };
}

const frameSeqs = (rows: { kind: string; frame?: FrameRecord }[]) =>
  rows.flatMap((row) => (row.kind === 'frame' && row.frame ? [row.frame.seq] : []));

test('frame filters: several types, a direction, rule breaks only; counts and types come with the rows', () => {
  seq = 0;
  const finding = { rule: 'T2', title: 'needs an open message', message: 'no message x' };
  const frames = [
    frame({ threadId: 't', messages: [] }, { direction: 'in', eventType: 'RunAgentInput' }),
    frame({ type: 'RUN_STARTED', threadId: 't', runId: 'r' }),
    frame({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'x', delta: 'Bella' }, { finding }),
    frame({ type: 'TOOL_CALL_START', toolCallId: 'c', toolCallName: 'weather' }),
    frame({ type: 'TOOL_CALL_END', toolCallId: 'c' }),
    frame({ type: 'RUN_FINISHED', threadId: 't', runId: 'r' }),
  ];
  const all = buildStreamRows(frames, NO_FRAME_FILTER);
  assert.equal(all.matched, 6);
  assert.equal(all.ruleBreaks, 1);
  assert.deepEqual(all.types, [
    'RUN_FINISHED',
    'RUN_STARTED',
    'RunAgentInput',
    'TEXT_MESSAGE_CONTENT',
    'TOOL_CALL_END',
    'TOOL_CALL_START',
  ]);
  assert.equal(isFiltering(NO_FRAME_FILTER), false);

  const tools = { ...NO_FRAME_FILTER, types: ['TOOL_CALL_START', 'TOOL_CALL_END'] };
  assert.equal(isFiltering(tools), true);
  assert.deepEqual(frameSeqs(buildStreamRows(frames, tools).rows), [4, 5]);
  assert.equal(buildStreamRows(frames, tools).matched, 2, 'the count says how many match');
  assert.deepEqual(frameSeqs(buildStreamRows(frames, { ...NO_FRAME_FILTER, direction: 'in' }).rows), [1]);
  assert.deepEqual(frameSeqs(buildStreamRows(frames, { ...NO_FRAME_FILTER, direction: 'out' }).rows), [2, 3, 4, 5, 6]);
  assert.deepEqual(frameSeqs(buildStreamRows(frames, { ...NO_FRAME_FILTER, ruleBreaksOnly: true }).rows), [3]);
  const text = { ...NO_FRAME_FILTER, text: 'WEATHER' };
  assert.deepEqual(frameSeqs(buildStreamRows(frames, text, plainTextMatcher('WEATHER')).rows), [4]);
  // The same frames give the same row objects: a rebuild allocates nothing per frame.
  const again = buildStreamRows(frames, NO_FRAME_FILTER).rows;
  assert.equal(
    again.find((row: { kind: string }) => row.kind === 'frame'),
    all.rows.find((row: { kind: string }) => row.kind === 'frame'),
  );
});

test('the text filter: plain text is literal, in any case, within the searched length; bad patterns are named', () => {
  seq = 0;
  const match = plainTextMatcher('a.b(');
  assert.equal(match(frame({ type: 'CUSTOM', value: 'xA.B(y' })), true);
  assert.equal(match(frame({ type: 'CUSTOM', value: 'aXb(' })), false, 'a dot is a dot');
  const far = frame({ type: 'CUSTOM', value: `${'x'.repeat(SEARCHED_CHARS)}needle` });
  assert.equal(plainTextMatcher('needle')(far), false, 'text past the searched length is not searched');
  assert.equal(regexProblem('TOOL_CALL_(START|END)'), null);
  assert.equal(regexProblem('TOOL_('), 'Unterminated group', 'what is wrong, without the pattern again');
});

test('socket rows: opened when the first frame is kept, then the error and the close with code and reason', () => {
  seq = 0;
  const connection = {
    openedAt: 1,
    closedAt: 9,
    closeCode: 4001,
    closeReason: 'Unauthorized',
    lastError: { at: 8, message: 'Invalid WebSocket frame: invalid UTF-8 sequence' },
  } as Pick<ConnectionSummary, 'openedAt' | 'closedAt' | 'closeCode' | 'closeReason' | 'lastError'>;
  const { before, after } = socketRows(connection, [frame({ type: 'RUN_STARTED' })]);
  assert.deepEqual(
    before.map((row: { label: string }) => row.label),
    ['socket opened'],
  );
  assert.deepEqual(
    after.map((row: { label: string; tone: string }) => [row.label, row.tone]),
    [
      ['socket error: Invalid WebSocket frame: invalid UTF-8 sequence', 'error'],
      ['socket closed 4001 · Unauthorized', 'warn'],
    ],
  );
  const later = { ...frame({ type: 'RUN_STARTED' }), seq: 50 };
  assert.deepEqual(socketRows({ ...connection, closedAt: null, lastError: null }, [later]), { before: [], after: [] });
  assert.equal(
    socketRows({ ...connection, closeCode: 1000, closeReason: '', lastError: null }, []).after[0].tone,
    'ok',
  );
});

test('JSON inside strings is parsed (nested too), with where it was; other strings are left alone', () => {
  const content = JSON.stringify({ temperature: 21, inner: JSON.stringify([1, 2]) });
  const { value, paths } = withNestedJson({ type: 'TOOL_CALL_RESULT', content, note: '{not json', n: '42' });
  assert.deepEqual(paths, ['content', 'content.inner']);
  assert.deepEqual(value, {
    type: 'TOOL_CALL_RESULT',
    content: { temperature: 21, inner: [1, 2] },
    note: '{not json',
    n: '42',
  });
  const plain = { type: 'TEXT_MESSAGE_CONTENT', delta: 'hallo' };
  assert.equal(withNestedJson(plain).value, plain, 'nothing nested: the same object');
  assert.equal(parseJsonString('"a string"'), undefined, 'only objects and arrays');
  assert.equal(parseJsonString('  [1]').length, 1);
});

test('connection search: every word must match, a field names where; grouping keeps the order', () => {
  const summary = (id: string, extra: Partial<ConnectionSummary>) =>
    ({
      id,
      kind: 'ws',
      path: '/ws',
      state: 'open',
      threadId: null,
      userId: null,
      remoteAddress: '127.0.0.1',
      closeCode: null,
      ...extra,
    }) as ConnectionSummary;
  const list = [
    summary('c3', { threadId: 'alpha', state: 'closed', closeCode: 4001 }),
    summary('c2', { threadId: 'beta', kind: 'sse', path: '/agent', userId: 'koen' }),
    summary('c1', { threadId: 'alpha' }),
    summary('c0', {}),
  ];
  const ids = (query: object) =>
    searchConnections(list, { ...NO_CONNECTION_QUERY, ...query }).map((c: ConnectionSummary) => c.id);
  assert.deepEqual(ids({}), ['c3', 'c2', 'c1', 'c0']);
  assert.deepEqual(ids({ text: 'alpha' }), ['c3', 'c1']);
  assert.deepEqual(ids({ text: 'ALPHA closed' }), ['c3']);
  assert.deepEqual(ids({ text: 'thread:bet' }), ['c2']);
  assert.deepEqual(ids({ text: 'user:koen kind:sse' }), ['c2']);
  assert.deepEqual(ids({ text: 'code:4001' }), ['c3']);
  assert.deepEqual(ids({ text: 'nope:alpha' }), [], 'an unknown field is a word like any other');
  assert.deepEqual(ids({ state: 'open', path: '/ws' }), ['c1', 'c0']);
  assert.deepEqual(ids({ kind: 'sse' }), ['c2']);
  assert.deepEqual(searchWords(' thread:a  b '), [
    { field: 'thread', text: 'a' },
    { field: null, text: 'b' },
  ]);
  assert.deepEqual(
    groupByThread(list).map((group: { threadId: string | null; connections: ConnectionSummary[] }) => [
      group.threadId,
      group.connections.map((c) => c.id),
    ]),
    [
      ['alpha', ['c3', 'c1']],
      ['beta', ['c2']],
      [null, ['c0']],
    ],
  );
});

test('a search naming a key there is none of says so, with the key it likely meant and the keys there are', () => {
  const keys = 'Search by id:, path:, thread:, user:, kind:, state:, client: or code:, or by a word alone';
  assert.equal(
    noMatchText('stat:open'),
    `No connection matches. “stat” is not a search key — did you mean state:open? ${keys} to match any of them.`,
  );
  assert.equal(noMatchText('state:open'), 'No connection matches.');
  assert.equal(noMatchText('alpha'), 'No connection matches.');
  // Typos, the start of a key, other names for one; none suggested when no key is that close.
  assert.match(searchKeyHint('thred:alpha') ?? '', /did you mean thread:alpha\?/);
  assert.match(searchKeyHint('cli:127') ?? '', /did you mean client:127\?/);
  assert.match(searchKeyHint('type:sse') ?? '', /did you mean kind:sse\?/);
  assert.match(searchKeyHint('status:closed') ?? '', /did you mean state:closed\?/);
  assert.match(searchKeyHint('STAT:Open') ?? '', /did you mean state:open\?/, 'in any case');
  assert.match(searchKeyHint('frob:1') ?? '', /^“frob” is not a search key\. Search by id:/);
  // Each unknown key once, however often it is named; known keys and plain words alongside say nothing.
  const two = searchKeyHint('usr:koen alpha usr:x thread:a stat:open') ?? '';
  assert.equal(two.match(/is not a search key/g)?.length, 2, two);
  assert.match(two, /“usr”.*user:koen.*“stat”.*state:open/);
  // Not keys: an IPv6 address, a URL, a colon first.
  assert.equal(searchKeyHint('::1'), null);
  assert.equal(searchKeyHint('http://127.0.0.1'), null);
  assert.equal(searchKeyHint(':open'), null);
});

test('a kept frame is found by its seq', () => {
  seq = 0;
  const frames = [frame({}), frame({}), frame({})].map((f, i) => ({ ...f, seq: 10 + 2 * i }));
  assert.equal(frameBySeq(frames, 12)?.seq, 12);
  assert.equal(frameBySeq(frames, 13), null);
  assert.equal(frameBySeq(frames, null), null);
  assert.equal(frameBySeq(undefined, 10), null);
});

test('the open connections a picker shows stay the same array while only their frame counts change', () => {
  const summary = (id: string, openedAt: number, extra: Partial<ConnectionSummary> = {}) =>
    ({ id, openedAt, path: '/ws', state: 'open', threadId: null, protocol: 'agui', ...extra }) as ConnectionSummary;
  const state = (...list: ConnectionSummary[]) => ({
    ...NO_CONNECTION_QUERY,
    byId: Object.fromEntries(list.map((c) => [c.id, c])),
  });
  const ids = (open: readonly { id: string }[]) => open.map((connection) => connection.id);
  const first = selectOpenConnections(state(summary('a', 1), summary('b', 2), summary('c', 3, { state: 'closed' })));
  assert.deepEqual(ids(first), ['b', 'a'], 'open ones, newest first');
  // A batch that counted frames: new summaries, nothing a picker shows changed.
  const counters = { framesIn: 1, framesOut: 9, bytesIn: 10, bytesOut: 90 };
  const counted = selectOpenConnections(state(summary('a', 1, { counters }), summary('b', 2, { counters })));
  assert.equal(counted, first);
  const threaded = selectOpenConnections(state(summary('a', 1, { threadId: 't' }), summary('b', 2)));
  assert.notEqual(threaded, first);
  assert.equal(threaded[1]?.threadId, 't');
  assert.deepEqual(
    ids(selectOpenConnections(state(summary('a', 1, { threadId: 't' }), summary('b', 2, { state: 'closed' })))),
    ['a'],
  );
});
