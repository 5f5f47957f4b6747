import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectionSummary } from '../src/shared/connections';
import {
  type InjectConflict,
  type InjectResult,
  type ItemsPage,
  MAX_INJECTED_EVENTS,
  type StreamContext,
} from '../src/shared/control-api';
import { AguiSocket, assertSchemaValid, assertVerified } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { RawSocket } from './helpers/raw-socket';
import { eventually } from './helpers/wait';

async function setup() {
  const server = await startTestEngine();
  const api = controlClient(server);
  const client = await AguiSocket.open(server.wsUrl);
  const [connection] = (await api.get<ItemsPage<ConnectionSummary>>('/connections')).body.items;
  assert.ok(connection);
  return { server, api, client, id: connection.id };
}

test('the done-when script: inject a text stream, get warned, force, close with 4001 — the client sees each step', async () => {
  const { api, client, id } = await setup();
  const stream = [
    { type: 'RUN_STARTED', threadId: 't1', runId: 'r1' },
    { type: 'TEXT_MESSAGE_START', messageId: 'm1', role: 'assistant' },
    { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm1', delta: 'Hallo ' },
    { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm1', delta: 'daar' },
    { type: 'TEXT_MESSAGE_END', messageId: 'm1' },
  ];
  const sent = await api.post<InjectResult>(`/connections/${id}/events`, { events: stream });
  assert.equal(sent.status, 200);
  assert.deepEqual(sent.body, { connectionId: id, sent: 5, held: 0, findings: [] });
  await client.waitUntil(() => client.events.length === 5);
  assert.deepEqual(
    client.events.map((event) => event.type),
    stream.map((event) => event.type),
  );

  const stray = { type: 'TEXT_MESSAGE_CONTENT', messageId: 'nope', delta: 'x' };
  const warned = await api.post<InjectConflict>(`/connections/${id}/events`, { events: [stray] });
  assert.equal(warned.status, 409);
  assert.equal(warned.body.findings[0]?.rule, 'T2');
  assert.equal(warned.body.findings[0]?.index, 0);
  assert.match(warned.body.findings[0]?.message ?? '', /No active text message found with ID 'nope'/);
  assert.equal(
    warned.body.detail,
    'An event would break rule T2; nothing was sent. Fix it, or send with "force": true to send anyway.',
  );
  const twoStrays = [stray, { ...stray, delta: 'y' }];
  const warnedTwice = await api.post<InjectConflict>(`/connections/${id}/events`, { events: twoStrays });
  assert.equal(warnedTwice.status, 409);
  assert.equal(
    warnedTwice.body.detail,
    '2 events would break rule T2; nothing was sent. Fix them, or send with "force": true to send anyway.',
  );
  // A negative check (nothing arrives) has no event to wait for; the forced send below arrives as the sixth.
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(client.events.length, 5, 'nothing was sent');

  const forced = await api.post<InjectResult>(`/connections/${id}/events`, { events: [stray], force: true });
  assert.equal(forced.status, 200);
  assert.equal(forced.body.findings[0]?.rule, 'T2', 'the broken rule is still reported');
  await client.waitUntil(() => client.events.length === 6);
  assert.equal(client.events[5]?.messageId, 'nope');

  const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
  await api.post(`/connections/${id}/close`, { code: 4001, reason: 'Unauthorized' });
  assert.equal(await closed, 4001);
});

test('schema-invalid events are 422 with their index, even with force; extra fields survive', async () => {
  const { api, client, id } = await setup();
  const invalid = await api.post<{ detail: { loc: unknown[] }[] }>(`/connections/${id}/events`, {
    events: [{ type: 'RUN_STARTED', threadId: 't' }, { type: 'NOT_A_TYPE' }],
    force: true,
  });
  assert.equal(invalid.status, 422);
  assert.deepEqual(invalid.body.detail[0]?.loc.slice(0, 3), ['body', 'events', 0]);
  assert.ok(invalid.body.detail.some((issue) => issue.loc[2] === 1));
  assert.equal((await api.post(`/connections/${id}/events`, { events: [] })).status, 422);

  await api.post(`/connections/${id}/events`, {
    events: [
      { type: 'RUN_STARTED', threadId: 't', runId: 'r' },
      { type: 'TOOL_CALL_START', toolCallId: 'c1', toolCallName: 'get_company_info', toolDisplayName: 'Ophalen' },
    ],
  });
  await client.waitUntil(() => client.events.length === 2);
  assert.equal(client.events[1]?.toolDisplayName, 'Ophalen');
});

test('a scenario run is tracked: mid-run the tracker knows the run; RUN_STARTED is flagged R2', async () => {
  const { api, client, id } = await setup();
  await api.patch(`/connections/${id}`, { paused: true });
  client.ask('Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854');
  // The run reaches the tracker as it plays (held frames included); at speed 0 it plays to its end at once.
  let tracker: StreamContext | undefined;
  await eventually(async () => {
    tracker = (await api.get<StreamContext>(`/connections/${id}/tracker`)).body;
    return tracker.threadId !== undefined;
  }, 'the tracker to see the run');
  assert.equal(tracker?.runActive, false, 'the flow at speed 0 has finished');
  assert.equal(tracker?.threadId, 'thread-test');
  const check = await api.post<{ findings: { rule: string }[] }>(`/connections/${id}/events/check`, {
    events: [{ type: 'TEXT_MESSAGE_END', messageId: 'x' }],
  });
  assert.equal(check.body.findings[0]?.rule, 'R3');
  await api.patch(`/connections/${id}`, { paused: false });
  await client.waitForRuns(1);

  const template = await api.get<{ event: Record<string, unknown> }>(`/connections/${id}/templates/RUN_STARTED`);
  assert.equal(template.body.event.type, 'RUN_STARTED');
  assert.equal(template.body.event.threadId, 'thread-test', 'filled from the connection');
  const again = await api.post<InjectConflict>(`/connections/${id}/events`, {
    events: [template.body.event, template.body.event],
  });
  assert.equal(again.status, 409);
  assert.deepEqual(
    again.body.findings.map((finding) => [finding.index, finding.rule]),
    [[1, 'R2']],
  );
});

test("what a console opened in a run is closed before the scenario's RUN_FINISHED: the engine's stream stays valid", async () => {
  const { api, client, id } = await setup();
  client.ask('Genereer rapport');
  const request = await client.waitForCustom('agora:tool_approval_request');
  const opened = await api.post<InjectResult>(`/connections/${id}/events`, {
    events: [
      { type: 'STEP_STARTED', stepName: 'console-step' },
      { type: 'TEXT_MESSAGE_START', messageId: 'console-message', role: 'assistant' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'console-message', delta: 'left open' },
    ],
  });
  assert.equal(opened.status, 200);
  assert.deepEqual(opened.body.findings, []);
  const at = client.events.length;
  client.approve(request.value.approvalId, true);
  await client.waitForRuns(1);
  await assertVerified(client.events);
  const closing = client.events.slice(at).map((event) => `${event.type} ${event.messageId ?? event.stepName ?? ''}`);
  assert.deepEqual(closing.slice(-3), [
    'TEXT_MESSAGE_END console-message',
    'STEP_FINISHED console-step',
    'RUN_FINISHED ',
  ]);
  const frames = await api.get<{ items: { finding?: unknown }[] }>(`/connections/${id}/frames`);
  assert.equal(frames.body.items.filter((frame) => frame.finding).length, 0, 'no frame breaks a rule');
});

test('templates exist for every event type and fill open ids; unknown types are 404', async () => {
  const { api, id } = await setup();
  await api.post(`/connections/${id}/events`, {
    events: [
      { type: 'RUN_STARTED', threadId: 't9', runId: 'r9' },
      { type: 'TEXT_MESSAGE_START', messageId: 'open-1', role: 'assistant' },
    ],
  });
  const content = await api.get<{ event: Record<string, unknown> }>(
    `/connections/${id}/templates/TEXT_MESSAGE_CONTENT`,
  );
  assert.equal(content.body.event.messageId, 'open-1');
  const finished = await api.get<{ event: Record<string, unknown> }>(`/connections/${id}/templates/RUN_FINISHED`);
  assert.deepEqual([finished.body.event.threadId, finished.body.event.runId], ['t9', 'r9']);
  assert.equal((await api.get(`/connections/${id}/templates/NOPE`)).status, 404);
});

test("a state delta's template applies, sent as it stands, to a playing run's thread state that lacks its member", async () => {
  const server = await startTestEngine({ settings: { speed: 1 } });
  const api = controlClient(server);
  const counting = {
    id: 'counting',
    name: 'Counting',
    triggers: [{ match: 'exact', value: 'count' }],
    steps: [
      { type: 'stateSnapshot', snapshot: { count: 1 } },
      { type: 'wait', ms: 600_000 },
    ],
  };
  assert.equal((await api.post('/scenarios', counting)).status, 201);
  const client = await AguiSocket.open(server.wsUrl);
  const [connection] = (await api.get<ItemsPage<ConnectionSummary>>('/connections')).body.items;
  assert.ok(connection);
  client.ask('count');
  await client.waitFor((event) => event.type === 'STATE_SNAPSHOT');
  const delta = await api.get<{ event: Record<string, unknown> }>(
    `/connections/${connection.id}/templates/STATE_DELTA`,
  );
  const checked = await api.post<{ findings: unknown[] }>(`/connections/${connection.id}/events/check`, {
    events: [delta.body.event],
  });
  assert.deepEqual(checked.body.findings, []);
});

test('macros: a paced text message, a full tool call, a state delta, an approval request, a run error', async () => {
  const { api, client, id } = await setup();
  const started = performance.now();
  const text = await api.post<InjectResult>(`/connections/${id}/macros/text-message`, {
    text: 'Een bericht in stukjes',
    chunkSize: 8,
    delayMs: 40,
  });
  assert.equal(text.status, 200);
  assert.equal(text.body.sent, 7, 'RUN_STARTED, START, 3 × CONTENT, END, RUN_FINISHED');
  await client.waitForRuns(1);
  assert.ok(performance.now() - started >= 100, 'chunks were paced');
  assert.equal(
    client.events
      .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT')
      .map((event) => event.delta)
      .join(''),
    'Een bericht in stukjes',
  );

  await api.post(`/connections/${id}/macros/tool-call`, {
    toolCallName: 'search_regulations',
    args: { query: 'rauwe vis', limit: 3 },
    result: { regulations: [] },
    displayName: 'Zoeken in regelgeving',
  });
  await api.post(`/connections/${id}/macros/state-delta`, { delta: [{ op: 'replace', path: '/status', value: 'x' }] });
  await api.post(`/connections/${id}/macros/approval-request`, {});
  const error = await api.post<InjectResult>(`/connections/${id}/macros/run-error`, { message: 'Kapot', code: 'boom' });
  assert.equal(error.status, 200, 'RUN_ERROR may follow a finished run');
  await client.waitFor((event) => event.type === 'RUN_ERROR');
  const args = client.events.find((event) => event.type === 'TOOL_CALL_ARGS');
  assert.deepEqual(JSON.parse(args?.delta), { query: 'rauwe vis', limit: 3 }, 'one complete JSON document');
  const approval = client.events.find((event) => event.name === 'agora:tool_approval_request');
  assert.match(approval?.value.approvalId, /^appr-/);
  assertSchemaValid(client.events);
  await assertVerified(client.events);

  assert.equal((await api.post(`/connections/${id}/macros/nope`, {})).status, 404);
  assert.equal((await api.post(`/connections/${id}/macros/text-message`, { text: '' })).status, 422);
  // An object of any keys is a dict to pydantic, worded as FastAPI words it.
  const notAnObject = await api.post<{ detail: { type: string; msg: string }[] }>(
    `/connections/${id}/macros/tool-call`,
    { toolCallName: 'x', args: 5 },
  );
  assert.equal(notAnObject.status, 422);
  assert.deepEqual(
    notAnObject.body.detail.map(({ type, msg }) => ({ type, msg })),
    [{ type: 'dict_type', msg: 'Input should be a valid dictionary' }],
  );
});

test('a text message macro sends at most as many chunks as an injection may send events, saved or sent', async () => {
  const { api, client, id } = await setup();
  // 1,001 one-character chunks: one past the bound. A 1 MB text in 1-character chunks held the engine for seconds.
  const tooMany = await api.post<{ detail: { loc: unknown[]; msg: string; input: unknown }[] }>(
    `/connections/${id}/macros/text-message`,
    { text: 'x'.repeat(MAX_INJECTED_EVENTS + 1), chunkSize: 1 },
  );
  assert.equal(tooMany.status, 422);
  assert.deepEqual(tooMany.body.detail[0]?.loc, ['body', 'chunkSize']);
  assert.equal(tooMany.body.detail[0]?.input, 1);
  assert.match(
    tooMany.body.detail[0]?.msg ?? '',
    /1001 chunks, and a macro sends at most 1000: make chunkSize at least 2/,
  );
  const saved = await api.put(`/payloads/long-text`, {
    name: 'Long text',
    kind: 'macro',
    body: { macro: 'text-message', params: { text: 'x'.repeat(MAX_INJECTED_EVENTS + 1), chunkSize: 1 } },
  });
  assert.equal(saved.status, 422, 'a payload that could not be run is not saved');

  const atBound = await api.post<InjectResult>(`/connections/${id}/macros/text-message`, {
    text: 'x'.repeat(MAX_INJECTED_EVENTS),
    chunkSize: 1,
  });
  assert.equal(atBound.status, 200);
  assert.equal(atBound.body.sent, MAX_INJECTED_EVENTS + 4, 'RUN_STARTED, START, the chunks, END, RUN_FINISHED');
  await client.waitForRuns(1);
  assert.equal(client.events.length, MAX_INJECTED_EVENTS + 4, 'only the macro at the bound was sent');
});

test('POST /events sends to several or all connections, and refuses all when one would break a rule', async () => {
  const { server, api, client } = await setup();
  const second = await AguiSocket.open(server.wsUrl);
  await eventually(() => server.context.registry.openCount === 2, 'the second connection to be listed');
  const run = [{ type: 'RUN_STARTED', threadId: 't', runId: 'r' }];
  const all = await api.post<{ results: InjectResult[] }>('/events', { events: run });
  assert.equal(all.status, 200);
  assert.equal(all.body.results.length, 2);
  await client.waitUntil(() => client.events.length === 1);
  await second.waitUntil(() => second.events.length === 1);

  const [firstId] = all.body.results.map((result) => result.connectionId);
  const refused = await api.post<{ detail: string; conflicts: InjectConflict[] }>('/events', { events: run });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.conflicts.length, 2);
  assert.match(refused.body.detail, /^Events would break rule R\d on 2 connections; nothing was sent/);
  const one = await api.post<{ results: InjectResult[] }>('/events', {
    connectionIds: [firstId],
    events: [{ type: 'RUN_FINISHED', threadId: 't', runId: 'r' }],
  });
  assert.equal(one.body.results.length, 1);
  assert.equal((await api.post('/events', { connectionIds: ['missing'], events: run })).status, 404);
  // Each target is checked before any is sent: a connection listed twice would get the events twice unchecked.
  const twice = await api.post<{ detail: { loc: unknown[]; msg: string }[] }>('/events', {
    connectionIds: [firstId, firstId],
    events: [{ type: 'RUN_STARTED', threadId: 't', runId: 'r2' }],
  });
  assert.equal(twice.status, 422);
  assert.deepEqual(twice.body.detail[0]?.loc, ['body', 'connectionIds']);
  assert.match(String(twice.body.detail[0]?.msg), /list each connection once/);
  await second.close();
});

test('events, a macro or a broadcast that close a paused connection for its backlog: no success for what was dropped', async () => {
  const server = await startTestEngine({ template: 'generic' });
  const api = controlClient(server);
  const big = (name: string) => ({ type: 'CUSTOM', name, value: 'x'.repeat(1_000_000) });
  const fourBig = ['a', 'b', 'c', 'd'].map(big);
  /** A client on /ws, its connection paused by the console, and four 1 MB events held on it (under 4 MiB). */
  async function pausedWithFourHeld() {
    const known = new Set(server.context.registry.list().map((connection) => connection.id));
    const client = await RawSocket.open(server.wsUrl);
    let id = '';
    await eventually(() => {
      id = server.context.registry.list().find((connection) => !known.has(connection.id))?.id ?? '';
      return id !== '';
    }, 'the connection to be listed');
    assert.equal((await api.patch(`/connections/${id}`, { paused: true })).status, 200);
    // One a request: a body holds at most 1 MiB (maxBodyBytes).
    for (const event of fourBig) {
      const held = await api.post<InjectResult>(`/connections/${id}/events`, { events: [event], force: true });
      assert.equal(held.status, 200, JSON.stringify(held.body));
    }
    return { client, id };
  }
  const closedFor1008 = /^Connection \S+ was closed 1008: over 4 MiB of frames were waiting .*; nothing was sent$/;
  /** Closed 1008 with nothing sent, and every held frame counted in heldFramesDropped. */
  async function droppedAll(client: RawSocket, id: string, held: (count: number) => boolean) {
    assert.equal((await client.waitForClose()).code, 1008);
    const summary = (await api.get<ConnectionSummary>(`/connections/${id}`)).body;
    assert.equal(summary.counters.framesOut, 0);
    assert.ok(held(summary.heldFramesDropped), `${summary.heldFramesDropped} held frames counted dropped`);
    assert.equal(client.frames.length, 0);
  }

  const first = await pausedWithFourHeld();
  const events = await api.post<{ detail: string }>(`/connections/${first.id}/events`, {
    events: [big('e')],
    force: true,
  });
  assert.equal(events.status, 409, JSON.stringify(events.body));
  assert.match(events.body.detail, closedFor1008);
  await droppedAll(first.client, first.id, (count) => count === 4);

  const second = await pausedWithFourHeld();
  const macro = await api.post<{ detail: string }>(`/connections/${second.id}/macros/text-message`, {
    text: 'y'.repeat(1_000_000),
    chunkSize: 100_000,
    force: true,
  });
  assert.equal(macro.status, 409, JSON.stringify(macro.body));
  assert.match(macro.body.detail, closedFor1008);
  // The four events, and the macro's events held before the one that passed the bound.
  await droppedAll(second.client, second.id, (count) => count > 4);

  // Sent to several: the one it closed counts none sent; the other got it.
  const third = await pausedWithFourHeld();
  const reading = await RawSocket.open(server.wsUrl);
  const readingId = server.context.registry
    .list()
    .find((connection) => connection.isOpen && connection.id !== third.id)?.id;
  assert.ok(readingId);
  const broadcast = await api.post<{ results: InjectResult[] }>('/events', {
    connectionIds: [third.id, readingId],
    events: [big('e')],
    force: true,
  });
  assert.equal(broadcast.status, 200, JSON.stringify(broadcast.body));
  assert.deepEqual(
    broadcast.body.results.map(({ connectionId, sent }) => ({ connectionId, sent })),
    [
      { connectionId: third.id, sent: 0 },
      { connectionId: readingId, sent: 1 },
    ],
  );
  await droppedAll(third.client, third.id, (count) => count === 4);
  await reading.waitForFrames(1);
  await reading.close();
});

/** The events sent to the connection with the time each left the engine (the frame log's `at`), oldest first. */
async function sentEvents(api: ReturnType<typeof controlClient>, id: string) {
  const frames = await api.get<{ items: { at: number; text: string }[] }>(`/connections/${id}/frames?direction=out`);
  return frames.body.items
    .map((frame) => ({ at: frame.at, event: JSON.parse(frame.text) as { type: string; timestamp?: number } }))
    .reverse();
}

test("a paced macro's events are stamped as each goes out, not all when it was asked", async () => {
  const { api, client, id } = await setup();
  const text = await api.post<InjectResult>(`/connections/${id}/macros/text-message`, {
    text: 'x'.repeat(8),
    chunkSize: 1,
    delayMs: 50,
  });
  assert.equal(text.body.sent, 12, 'RUN_STARTED, START, 8 × CONTENT, END, RUN_FINISHED');
  await client.waitForRuns(1);
  const sent = await sentEvents(api, id);
  assert.equal(sent.length, 12);
  // Stamped with its turn: never after it left (a busy machine's timers may send it a little later).
  for (const { at, event } of sent)
    assert.ok((event.timestamp ?? 0) <= at, `${event.type} stamped ${event.timestamp}, sent at ${at}`);
  const chunks = sent.filter(({ event }) => event.type === 'TEXT_MESSAGE_CONTENT').map(({ event }) => event);
  for (const [index, chunk] of chunks.entries()) {
    const gap = (chunk.timestamp ?? 0) - (chunks[index - 1]?.timestamp ?? 0);
    if (index > 0) assert.ok(gap >= 49 && gap <= 51, `chunk ${index} stamped ${gap} ms after the one before`);
  }
});

test('injected events are stamped when sent unless they carry a timestamp; templates carry none', async () => {
  const { api, client, id } = await setup();
  const template = await api.get<{ event: Record<string, unknown> }>(`/connections/${id}/templates/RUN_STARTED`);
  assert.equal('timestamp' in template.body.event, false, 'a template kept as a draft would send its own day');
  const typed = 1_700_000_000_000;
  assert.equal((await api.patch(`/connections/${id}`, { latencyMs: 200 })).status, 200);
  const asked = Date.now();
  await api.post(`/connections/${id}/events`, {
    events: [template.body.event, { type: 'CUSTOM', name: 'typed', value: 1, timestamp: typed }],
  });
  await client.waitUntil(() => client.events.length === 2);
  const [started, custom] = await sentEvents(api, id);
  // When it left, after the connection's latency.
  const stamp = started?.event.timestamp ?? 0;
  assert.ok(started && stamp >= asked + 200 && stamp <= started.at, JSON.stringify({ asked, started }));
  assert.equal(custom?.event.timestamp, typed, 'a timestamp given on purpose is kept');
});

test('events sent while delivery is paused are answered as held until it resumes', async () => {
  const { api, client, id } = await setup();
  const stream = [
    { type: 'RUN_STARTED', threadId: 't1', runId: 'r1' },
    { type: 'RUN_FINISHED', threadId: 't1', runId: 'r1' },
  ];
  assert.equal((await api.patch(`/connections/${id}`, { paused: true })).status, 200);
  const paused = await api.post<InjectResult>(`/connections/${id}/events`, { events: stream });
  assert.deepEqual(paused.body, { connectionId: id, sent: 2, held: 2, findings: [] });
  const macro = await api.post<InjectResult>(`/connections/${id}/macros/run-error`, { message: 'x', force: true });
  assert.equal(macro.body.held, 1);
  assert.equal(client.events.length, 0);
  assert.equal((await api.patch(`/connections/${id}`, { paused: false })).status, 200);
  await client.waitUntil(() => client.events.length === 3);
  const resumed = await api.post<InjectResult>(`/connections/${id}/events`, {
    events: [{ ...stream[0], runId: 'r2' }],
  });
  assert.equal(resumed.body.held, 0);
});
