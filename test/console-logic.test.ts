import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rendererModule } from '../e2e/helpers/renderer-module';
import type { SessionMetadata, User } from '../src/shared/agora-model';
import type { ConnectionSummary, FrameRecord } from '../src/shared/connections';
import type { RequestLogEntry, RequestSummary } from '../src/shared/request-log';
import { oneLine, shortenText } from '../src/shared/shorten-text';

const { closeProblems } = await rendererModule('features/inject/close-validation.ts');
const { firstError } = await rendererModule('ui/use-action.ts');
const { validateEvents } = await rendererModule('features/inject/event-validation.ts');
const { MACROS, macroParams } = await rendererModule('features/inject/macro-fields.ts');
const { curlCommand, shellQuote } = await rendererModule('features/requests/curl.ts');
const { SseParser } = await rendererModule('features/try-it/sse-parser.ts');
const { buildTranscript } = await rendererModule('features/try-it/transcript.ts');
const { answerDraft, readAnswer } = await rendererModule('features/try-it/interrupt-answer.ts');
const { sortBatch } = await rendererModule('stores/feed-batch.ts');
const { appendFrames, withFetchedFrames } = await rendererModule('stores/frame-buffer.ts');
const { prependRequests } = await rendererModule('stores/requests-store.ts');
const { evictedFramesRow, heldFramesRow } = await rendererModule('features/connections/frame-rows.ts');
const { logLosses } = await rendererModule('features/requests/log-losses.ts');
const { applyAgoraChanges } = await rendererModule('stores/state-store.ts');
const { formatBytes, formatDateTime } = await rendererModule('ui/format.ts');
const { describeDetail, issuePlace } = await rendererModule('api/api-error.ts');
const { tokenFromPaste } = await rendererModule('api/console-token.ts');
const { settingProblem } = await rendererModule('features/settings/setting-problems.ts');
const { SETTING_GROUPS } = await rendererModule('features/settings/setting-fields.ts');
const { speedLabel, SPEED_HINT } = await rendererModule('features/settings/speed-words.ts');
const { ServerSettingsPatchSchema } = await import('../src/shared/settings');

const frame = (seq: number): FrameRecord => ({
  seq,
  at: seq,
  direction: 'out',
  size: 2,
  text: '{}',
  binary: false,
  eventType: null,
});
const seqs = (list: readonly FrameRecord[]) => list.map((f) => f.seq);

test('frames: appended in order, duplicates from fetch and feed skipped, only the newest kept', () => {
  const kept = appendFrames([frame(1), frame(2)], [frame(2), frame(3), frame(4)], 3);
  assert.deepEqual(seqs(kept), [2, 3, 4]);
  const same = [frame(1)];
  assert.equal(appendFrames(same, [frame(1)]), same, 'nothing new: the same list, so nothing re-renders');
  // The fetch (newest first) is the base; feed frames newer than it stay.
  assert.deepEqual(seqs(withFetchedFrames([frame(5), frame(6)], [frame(5), frame(4), frame(3)])), [3, 4, 5, 6]);
  const flood = Array.from({ length: 20_000 }, (_, i) => frame(i + 1));
  assert.equal(appendFrames([], flood).length, 5000, 'bounded by default');
});

test('frames: large ones are kept only as far as the text budget goes; the newest always', () => {
  const big = (seq: number, chars: number): FrameRecord => ({ ...frame(seq), text: 'x'.repeat(chars), size: chars });
  assert.deepEqual(seqs(appendFrames([big(1, 40), big(2, 40)], [big(3, 40)], 10, 100)), [2, 3]);
  assert.deepEqual(seqs(appendFrames([big(1, 40)], [big(2, 500)], 10, 100)), [2], 'alone over the budget: kept');
  // A megabyte a frame: 32 of them fit the default budget, not 5,000.
  const megabyte = 'x'.repeat(1024 * 1024);
  const flood = Array.from({ length: 100 }, (_, i) => ({ ...frame(i + 1), text: megabyte }));
  assert.deepEqual(seqs(appendFrames([], flood)), seqs(flood.slice(-32)));
  assert.deepEqual(seqs(withFetchedFrames([], [...flood].reverse())), seqs(flood.slice(-32)), 'a fetch too');
});

test('a feed batch is sorted per store: latest summary per connection, frames per connection, in order', () => {
  const summary = (id: string, state: ConnectionSummary['state']) => ({ id, state }) as ConnectionSummary;
  const batch = sortBatch([
    { type: 'connection-opened', connection: summary('a', 'open') },
    { type: 'frame', connectionId: 'a', frame: frame(1) },
    { type: 'frame', connectionId: 'b', frame: frame(7) },
    { type: 'frame', connectionId: 'a', frame: frame(2) },
    { type: 'connection-closed', connection: summary('a', 'closed') },
    { type: 'scenarios-changed', change: { type: 'updated', id: 's' } },
    { type: 'state-changed', change: { type: 'reset' } },
  ]);
  assert.equal(batch.connections.get('a')?.state, 'closed');
  assert.deepEqual(seqs(batch.frames.get('a') ?? []), [1, 2]);
  assert.deepEqual(seqs(batch.frames.get('b') ?? []), [7]);
  assert.equal(batch.scenariosChanged, true);
  assert.equal(batch.stateChanges.length, 1);
  assert.equal(batch.settings, null);
});

test('a connection the engine removed leaves the batch: its earlier summary in the same batch is dropped', () => {
  const summary = (id: string) => ({ id, state: 'closed' }) as ConnectionSummary;
  const batch = sortBatch([
    { type: 'connection-closed', connection: summary('a') },
    { type: 'connection-closed', connection: summary('b') },
    { type: 'connection-removed', connectionId: 'a' },
  ]);
  assert.deepEqual([...batch.connections.keys()], ['b']);
  assert.deepEqual([...batch.removedConnections], ['a']);
});

test('the frame stream opens with what the engine let go of, unless the first frame is there', () => {
  const none = { evictedForMemory: 0, droppedForSize: 0 };
  assert.equal(evictedFramesRow(none, [frame(1)]), null);
  assert.equal(evictedFramesRow({ evictedForMemory: 5, droppedForSize: 0 }, [frame(1)]), null, 'seq 1 is shown');
  assert.equal(
    evictedFramesRow({ evictedForMemory: 10, droppedForSize: 0 }, [frame(69)])?.label,
    '10 older frames were evicted (memory budget); 58 older frames are kept by the engine but not shown here ' +
      '(the console holds 5,000 frames or 32 M characters per connection)',
  );
  assert.equal(
    evictedFramesRow({ evictedForMemory: 1234, droppedForSize: 0 }, [frame(1235)])?.label,
    '1,234 older frames were evicted (memory budget)',
  );
  assert.equal(
    evictedFramesRow({ evictedForMemory: 1, droppedForSize: 20 }, [])?.label,
    '1 older frame was evicted (memory budget); 20 older frames were dropped (frames kept per connection)',
  );
});

test('the frame stream ends with the frames a pause holds: sent, not yet received', () => {
  const paused = { state: 'open', paused: true, heldFrames: 3 };
  assert.equal(heldFramesRow(paused)?.label, '3 frames held: delivery is paused, the client gets them once it resumes');
  assert.equal(
    heldFramesRow({ ...paused, heldFrames: 1 })?.label,
    '1 frame held: delivery is paused, the client gets it once it resumes',
  );
  assert.equal(heldFramesRow({ ...paused, heldFrames: 0 }), null);
  assert.equal(heldFramesRow({ ...paused, paused: false }), null, "a latency's frames leave on their own");
  assert.equal(heldFramesRow({ ...paused, state: 'closed' }), null, 'what a closed connection held never goes out');
});

test('the requests view says what the engine log let go of', () => {
  const stats = { kept: 10, droppedForSize: 0, evictedForMemory: 0, bodiesEvictedForMemory: 0, retainedBytes: 0 };
  assert.equal(logLosses(stats), null);
  assert.equal(
    logLosses({ ...stats, evictedForMemory: 1, droppedForSize: 2500, bodiesEvictedForMemory: 7 }),
    '1 older request was evicted (memory budget); 2,500 older requests were dropped (requests kept); ' +
      'the bodies of 7 requests were evicted (memory budget).',
  );
  assert.equal(
    logLosses({ ...stats, bodiesEvictedForMemory: 1 }),
    'The body of 1 request was evicted (memory budget).',
  );
});

test('requests: new ones first, known ids skipped', () => {
  const entry = (id: number) => ({ id }) as RequestSummary;
  const kept = prependRequests([entry(2), entry(1)], [entry(2), entry(3), entry(4)]);
  assert.deepEqual(
    kept.map((e: RequestSummary) => e.id),
    [4, 3, 2, 1],
  );
});

test('store changes are followed without refetching; reset asks for a refetch', () => {
  const user = (id: string, name: string) =>
    ({ id, name, isCurrentUser: id === 'u1' }) as User & { isCurrentUser: boolean };
  const session = (sessionId: string, title: string) => ({ sessionId, title }) as SessionMetadata;
  const next = applyAgoraChanges({ users: [user('u1', 'Koen'), user('u2', 'Jan')], sessions: [session('s1', 'a')] }, [
    { type: 'user-updated', user: { id: 'u1', name: 'Koen B' } as User },
    { type: 'current-user-changed', userId: 'u2' },
    { type: 'session-updated', session: session('s1', 'b') },
    { type: 'history-appended', session: session('s2', 'new'), appendedMessages: 1 },
    { type: 'user-deleted', userId: 'u2', deletedSessionIds: ['s2'] },
  ]);
  assert.deepEqual(
    next.users.map((u: User & { isCurrentUser: boolean }) => [u.name, u.isCurrentUser]),
    [['Koen B', false]],
  );
  assert.deepEqual(
    next.sessions.map((s: SessionMetadata) => s.title),
    ['b'],
  );
  assert.deepEqual(next.historiesChanged, ['s2']);
  assert.equal(next.needsRefetch, false);
  assert.equal(applyAgoraChanges(next, [{ type: 'reset' }]).needsRefetch, true);
});

test('evicted history: trimmed sessions updated, removed ones dropped, the notice adds up until dismissed', () => {
  const session = (sessionId: string, messageCount: number) => ({ sessionId, messageCount }) as SessionMetadata;
  const evicted = (trimmed: SessionMetadata[], deleted: string[], removedMessages: number) => ({
    type: 'history-evicted' as const,
    limits: ['maxRecordedMessages' as const],
    removedMessages,
    trimmedSessions: trimmed,
    deletedSessionIds: deleted,
  });
  const first = applyAgoraChanges({ users: [], sessions: [session('s1', 5), session('s2', 3), session('s3', 2)] }, [
    evicted([session('s1', 2)], ['s2'], 6),
  ]);
  assert.deepEqual(
    first.sessions.map((s: SessionMetadata) => [s.sessionId, s.messageCount]),
    [
      ['s1', 2],
      ['s3', 2],
    ],
  );
  assert.deepEqual(first.historiesChanged, ['s1']);
  assert.deepEqual(first.eviction, { limits: ['maxRecordedMessages'], removedMessages: 6, deletedSessions: 1 });
  const second = applyAgoraChanges(first, [{ ...evicted([], ['s3'], 2), limits: ['maxRecordedSessions' as const] }]);
  assert.deepEqual(second.eviction, {
    limits: ['maxRecordedMessages', 'maxRecordedSessions'],
    removedMessages: 8,
    deletedSessions: 2,
  });
  assert.equal(applyAgoraChanges({ users: [], sessions: [] }, []).eviction, null, 'nothing to tell');
});

test('copy as curl: method, URL with query, headers without hop-by-hop ones, body quoted for the shell', () => {
  const entry = {
    method: 'PUT',
    path: '/users/me/preferences',
    query: 'user_id=koen',
    requestHeaders: { host: 'x', 'content-type': 'application/json', 'content-length': '20', accept: ['a', 'b'] },
    requestBody: { text: `{"name":"O'Brien"}`, size: 18, truncated: false },
  } as unknown as RequestLogEntry;
  assert.equal(
    curlCommand(entry, 'http://127.0.0.1:8000'),
    `curl -X PUT 'http://127.0.0.1:8000/users/me/preferences?user_id=koen' -H 'content-type: application/json' ` +
      `-H 'accept: a' -H 'accept: b' --data-raw '{"name":"O'\\''Brien"}'`,
  );
  const get = { method: 'GET', path: '/health', query: '', requestHeaders: {}, requestBody: null };
  assert.equal(curlCommand(get as unknown as RequestLogEntry, 'http://h'), `curl 'http://h/health'`);
  assert.equal(
    curlCommand(get as unknown as RequestLogEntry, 'https://h', "/home/o'b/localhost.pem"),
    `curl --cacert '/home/o'\\''b/localhost.pem' 'https://h/health'`,
  );
  const cut = { ...entry, requestBody: { text: '{"a', size: 999, truncated: true } } as RequestLogEntry;
  assert.match(curlCommand(cut, 'http://h'), /^# The logged body was cut at 3 of 999 bytes\n/);
  // A described body is not the body: it is not sent, and the command says what to add.
  const described = {
    ...entry,
    requestBody: { text: '<15 bytes of application/xml, not read>', size: 15, truncated: false, described: true },
  } as RequestLogEntry;
  const command = curlCommand(described, 'http://h');
  assert.doesNotMatch(command, /--data-raw/);
  assert.match(
    command,
    /^# The body was not logged as text \(<15 bytes of application\/xml, not read>\): add it with --data-binary @FILE\n/,
  );
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});

test('SSE: events split across chunks anywhere, multi-line data joined, comments and other fields ignored', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push(': hello\n\nda'), []);
  assert.deepEqual(parser.push('ta: {"type":"RUN_STARTED"}\r\n\r\ndata: a\ndata: b\nevent: x\n'), [
    '{"type":"RUN_STARTED"}',
  ]);
  assert.deepEqual(parser.push('\n'), ['a\nb']);
});

test('try it transcript: text joined from chunks, tool calls with args and result, approval answered', () => {
  const event = (value: Record<string, unknown>) => ({ kind: 'event' as const, event: value });
  const items = buildTranscript([
    { kind: 'prompt', text: 'Genereer rapport' },
    event({ type: 'RUN_STARTED' }),
    event({ type: 'TOOL_CALL_START', toolCallId: 'c', toolCallName: 'gen', toolDisplayName: 'Genereren' }),
    event({ type: 'TOOL_CALL_ARGS', toolCallId: 'c', delta: '{"a":1}' }),
    event({ type: 'TOOL_CALL_END', toolCallId: 'c' }),
    event({ type: 'TOOL_CALL_RESULT', toolCallId: 'c', content: 'ok' }),
    event({
      type: 'CUSTOM',
      name: 'agora:tool_approval_request',
      value: { approvalId: 'ap', toolName: 'gen', riskLevel: 'high' },
    }),
    { kind: 'approval-answer', approvalId: 'ap', approved: true },
    event({ type: 'TEXT_MESSAGE_START', messageId: 'm' }),
    event({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm', delta: 'Klaar' }),
    event({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm', delta: '!' }),
    event({ type: 'TEXT_MESSAGE_END', messageId: 'm' }),
    event({ type: 'RUN_FINISHED' }),
  ]);
  assert.deepEqual(
    items.map((item: { kind: string }) => item.kind),
    ['user', 'run', 'tool', 'approval', 'assistant', 'run'],
  );
  assert.deepEqual(items[2], {
    kind: 'tool',
    key: '2',
    name: 'gen',
    displayName: 'Genereren',
    args: '{"a":1}',
    result: 'ok',
    open: false,
  });
  assert.equal(items[3]?.kind === 'approval' && items[3].answer, true);
  assert.deepEqual(items[4], { kind: 'assistant', key: '8', text: 'Klaar!', open: false });
});

test('try it transcript: an interrupt asks for an answer; a refused answer on a socket reopens it', () => {
  const event = (value: Record<string, unknown>) => ({ kind: 'event' as const, event: value });
  const schema = { type: 'object', properties: { quantity: { type: 'integer' } } };
  const paused = event({
    type: 'RUN_FINISHED',
    outcome: {
      type: 'interrupt',
      interrupts: [
        { id: 'ask', reason: 'confirmation', message: 'How many?', responseSchema: schema },
        { id: 'ap', reason: 'tool_approval', metadata: { toolName: 'gen' } },
      ],
    },
  });
  const interrupt = (items: { kind: string }[]) =>
    items.find((item) => item.kind === 'interrupt') as { answer: string | null } | undefined;
  const asked = buildTranscript([event({ type: 'RUN_STARTED' }), paused]);
  assert.deepEqual(
    asked.map((item: { kind: string }) => item.kind),
    ['run', 'run', 'interrupt', 'approval'],
    'a tool approval keeps its approval card',
  );
  assert.deepEqual(asked[2], {
    kind: 'interrupt',
    key: '1-ask',
    interruptId: 'ask',
    reason: 'confirmation',
    message: 'How many?',
    responseSchema: schema,
    answer: null,
  });
  const answered = { kind: 'interrupt-answer' as const, interruptId: 'ask', status: 'resolved' };
  const refusal = event({ type: 'CUSTOM', name: 'agora:error', value: { errorCode: 'invalid_run_input' } });
  assert.equal(interrupt(buildTranscript([paused, answered]))?.answer, 'resolved');
  assert.equal(interrupt(buildTranscript([paused, answered, refusal]))?.answer, null, 'refused: open again');
  assert.equal(
    interrupt(buildTranscript([paused, answered, event({ type: 'RUN_STARTED' }), refusal]))?.answer,
    'resolved',
    'a refusal after the resumed run started is about something else',
  );
  const cancelled = { kind: 'interrupt-answer' as const, interruptId: 'ask', status: 'cancelled' };
  assert.equal(interrupt(buildTranscript([paused, cancelled]))?.answer, 'cancelled');
});

test("try it: an interrupt's answer is drafted from its responseSchema and read as JSON", () => {
  assert.deepEqual(
    JSON.parse(
      answerDraft({
        type: 'object',
        properties: { quantity: { type: 'integer', minimum: 1 }, note: { type: 'string', default: 'none' } },
      }),
    ),
    { quantity: 1, note: 'none' },
  );
  assert.equal(answerDraft(null), '{}');
  assert.deepEqual(readAnswer('{"quantity": 3}'), { payload: { quantity: 3 } });
  assert.match((readAnswer('{quantity: 3}') as { problem: string }).problem, /^Not JSON: /);
});

test('close codes and reasons are checked like the engine does', () => {
  assert.deepEqual(closeProblems('4001', 'bye'), { code: null, reason: null });
  assert.deepEqual(closeProblems('1000', ''), { code: null, reason: null });
  for (const bad of ['1005', '1006', '2999', '5000', '', '4001.5'])
    assert.notEqual(closeProblems(bad, '').code, null, bad);
  assert.equal(closeProblems('1000', 'é'.repeat(61)).reason, null, '122 bytes fit');
  assert.match(closeProblems('1000', 'é'.repeat(62)).reason ?? '', /124 bytes/);
});

test('events are checked with EventSchemas, naming the field and the index in a list', () => {
  assert.deepEqual(validateEvents({ type: 'TEXT_MESSAGE_END', messageId: 'm' }), []);
  const [issue] = validateEvents([{ type: 'RUN_STARTED', threadId: 't', runId: 'r' }, { type: 'TEXT_MESSAGE_END' }]);
  assert.deepEqual(issue?.path, [1, 'messageId']);
  assert.deepEqual(validateEvents(42)[0]?.path, []);
});

test('macro forms: numbers and JSON parsed, empty optional fields left to the engine, a text result kept as text', () => {
  const tool = MACROS.find((macro: { name: string }) => macro.name === 'tool-call');
  assert.ok(tool);
  const built = macroParams(tool, { toolCallName: 'x', displayName: '', args: '{"a":1}', result: 'plain text' });
  assert.deepEqual(built, { params: { toolCallName: 'x', args: { a: 1 }, result: 'plain text' } });
  assert.deepEqual(macroParams(tool, { args: '{oops' }), { field: 'args', problem: 'this is not valid JSON' });
  const text = MACROS.find((macro: { name: string }) => macro.name === 'text-message');
  assert.ok(text);
  assert.deepEqual(macroParams(text, { chunkSize: 'x' }), { field: 'chunkSize', problem: 'a number is needed' });
});

test('try it transcript: an AG-UI 1.0 interrupt in RUN_FINISHED is an approval to answer by resuming', () => {
  const items = buildTranscript([
    {
      kind: 'event',
      event: {
        type: 'RUN_FINISHED',
        outcome: {
          type: 'interrupt',
          interrupts: [
            {
              id: 'appr-1',
              reason: 'tool_approval',
              metadata: { toolName: 'gen', reasoning: 'why', riskLevel: 'high' },
            },
          ],
        },
      },
    },
  ]);
  assert.deepEqual(
    items.map((item: { kind: string }) => item.kind),
    ['run', 'approval'],
  );
  assert.equal(items[1].via, 'interrupt');
  assert.equal(items[1].approvalId, 'appr-1');
  assert.equal(items[1].toolName, 'gen');
});

test('dates: one unambiguous format everywhere, year first and 24 hours, from epoch ms or ISO', () => {
  const evening = new Date(2026, 11, 1, 21, 23, 5);
  assert.equal(formatDateTime(evening.getTime()), '2026-12-01 21:23:05');
  assert.equal(formatDateTime(evening.toISOString()), '2026-12-01 21:23:05');
  assert.equal(formatDateTime(new Date(2027, 0, 9, 7, 4, 3).getTime()), '2027-01-09 07:04:03');
  assert.equal(formatDateTime('not a date'), 'not a date', 'what is not a date is shown as it came');
});

test('sizes: counted in 1024s and named KiB and MiB, as the engine names them; a tenth at most, no `.0`', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1 KiB');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(1024 * 1024 - 1), '1 MiB', 'not 1024 KiB');
  assert.equal(formatBytes(64 * 1024 * 1024), '64 MiB');
  assert.equal(formatBytes(66.2 * 1024 * 1024), '66.2 MiB');
});

test('shortened text: as it is up to the limit, else its start and an ellipsis, never half an emoji', () => {
  assert.equal(shortenText('Hallo', 5), 'Hallo');
  assert.equal(shortenText('Hallo daar', 5), 'Hall…');
  // 'ab' then an emoji (two UTF-16 units): a cut after its first half keeps neither half.
  assert.equal(shortenText('ab😀cd', 4), 'ab…');
  assert.equal(shortenText('ab😀cd', 5), 'ab😀…');
});

test('text on one line: whitespace runs as one space, none at the ends, shortened without a space before the ellipsis', () => {
  const tidy = 'Start inspectie bij Bella Rosa';
  assert.equal(oneLine(tidy, 40), tidy);
  assert.equal(oneLine('  Start\n\tinspectie   bij ', 40), 'Start inspectie bij');
  assert.equal(oneLine('Start inspectie bij Bella Rosa', 17), 'Start inspectie…');
  assert.equal(oneLine('ab 😀cd', 5), 'ab…');
});

test("engine errors: the engine's detail is shown — a string, a problem's message, 422 issues by place", () => {
  assert.equal(describeDetail(404, { detail: 'Scenario not found: x' }), 'Scenario not found: x');
  const problem = {
    operation: 'load',
    file: '/w/a.agui.json',
    problem: 'no such file',
    message: '/w/a.agui.json: no such file',
  };
  assert.equal(describeDetail(404, { detail: problem }), '/w/a.agui.json: no such file', 'not "answered 404"');
  assert.equal(describeDetail(500, { detail: { problem: 'disk full' } }), 'disk full');
  const several = {
    ...problem,
    message: '/w/a.agui.json: routes.0.id: lower-case letters (and 1 more problem)',
    otherProblems: [{ path: 'routes.0.path', problem: 'a path starts with /' }],
  };
  assert.equal(
    describeDetail(422, { detail: several }),
    '/w/a.agui.json: routes.0.id: lower-case letters (and 1 more problem)\nroutes.0.path: a path starts with /',
  );
  const issues = [
    { type: 'missing', loc: ['body', 'path'], msg: 'Field required' },
    { type: 'value_error', loc: ['body', 'agora', 'users', 0, 'email'], msg: 'Invalid email' },
    { type: 'value_error', loc: ['query', 'limit'], msg: 'Too big' },
    { type: 'value_error', loc: ['body'], msg: 'Send a JSON object' },
  ];
  assert.equal(
    describeDetail(422, { detail: issues }),
    'path: Field required\nagora.users[0].email: Invalid email\nquery.limit: Too big\nSend a JSON object',
  );
  assert.equal(issuePlace([0, 'a']), '[0].a');
  assert.equal(describeDetail(502, null), 'The engine answered 502 without saying why');
  assert.equal(describeDetail(500, { detail: [] }), 'The engine answered 500 without saying why');
});

test("settings: problems named in the field's unit, not in the schema library's words", () => {
  const fields = new Map(
    SETTING_GROUPS.flatMap((group: { fields: { key: string }[] }) => group.fields.map((field) => [field.key, field])),
  );
  const problem = (patch: Record<string, unknown>) => {
    const checked = ServerSettingsPatchSchema.safeParse(patch);
    assert.equal(checked.success, false);
    const issue = checked.error?.issues[0];
    return settingProblem(issue, fields.get(String(issue?.path[0])));
  };
  assert.equal(problem({ maxPayloadBytes: 10 }), 'At least 1,024 bytes.');
  assert.equal(problem({ speed: 200 }), 'At most 100×.');
  assert.equal(problem({ heartbeatIntervalMs: 1.5 }), 'Use a whole number of ms.');
  assert.equal(problem({ speed: Number.NaN }), 'Enter a number.');
  assert.equal(
    problem({ heartbeatIntervalMs: 5 }),
    '0 (off) or at least 1000 ms.',
    'a ping every 5 ms drops every client',
  );
  for (const patch of [{ maxPayloadBytes: 10 }, { speed: 200 }, { heartbeatIntervalMs: 1.5 }, { speed: Number.NaN }])
    assert.doesNotMatch(problem(patch), /expected|received|Too (small|big)|>=|<=/);
});

test('speed: every label says the setting multiplies delays — 2 is twice as slow, 0.5 twice as fast', () => {
  assert.equal(speedLabel(1), '1× delays — as written');
  assert.equal(speedLabel(2), '2× delays — twice as slow');
  assert.equal(speedLabel(0.5), '0.5× delays — twice as fast');
  assert.equal(speedLabel(0.25), '0.25× delays — 4 times as fast');
  assert.equal(speedLabel(3), '3× delays — 3 times as slow');
  assert.equal(speedLabel(0), '0× delays — no waiting');
  assert.match(SPEED_HINT, /0\.5 plays twice as fast, 2 twice as slow/);
});

test('token field: the token, a whole console URL as the engine prints it, or a Bearer header value', () => {
  assert.equal(tokenFromPaste('  abc123 '), 'abc123');
  assert.equal(tokenFromPaste('http://127.0.0.1:8000/__console/#token=abc123'), 'abc123');
  assert.equal(tokenFromPaste('https://mock.test:9000/__console/?x=1#view=state&token=a%2Bb'), 'a+b');
  assert.equal(tokenFromPaste('#token=abc123'), 'abc123');
  assert.equal(tokenFromPaste('Bearer abc123'), 'abc123');
  assert.equal(tokenFromPaste('http://127.0.0.1:8000/__console/#'), 'http://127.0.0.1:8000/__console/#');
});

test("one notice for several actions shows the first error, and dismissing it clears every action's", () => {
  const cleared: string[] = [];
  const action = (name: string, error: string | null) => ({ error, clearError: () => cleared.push(name) });
  const notice = firstError(action('save', null), action('remove', 'Not found'), action('duplicate', 'Taken'));
  assert.equal(notice.error, 'Not found');
  notice.onDismiss();
  assert.deepEqual(cleared, ['save', 'remove', 'duplicate'], 'a remove error is dismissed too, not only a save error');
  assert.equal(firstError(action('save', null)).error, null);
});
