import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { HttpAgent } from '@ag-ui/client';
import type { BaseEvent } from '@ag-ui/core';
import type { ConnectionSummary } from '../src/shared/connections';
import type { InjectConflict, InjectResult, ItemsPage } from '../src/shared/control-api';
import type { ScenarioInput } from '../src/shared/scenario';
import { AguiSocket, assertVerified, type ReceivedEvent } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { eventually } from './helpers/wait';

// A person's events injected into a connection while a scenario plays there: a RUN_FINISHED or RUN_ERROR ends the
// scenario's run at that event (an SSE response ends after it, a socket stays open for the next run); a close of
// an item the scenario opened is refused (SC1) unless forced, and then the scenario skips its own close; a
// STATE_DELTA is checked against the thread's state the engine knows (ST1). Every stream a client receives passes
// the official client's verifyEvents.

const server = await startTestEngine({ settings: { speed: 1 } });
const api = controlClient(server);

/** How long a run that should have ended may take to show it: far below the scenarios' minute-long waits. */
const ENDS_WITHIN_MS = 5_000;
const MINUTE = 60_000;

const SCENARIOS: ScenarioInput[] = [
  {
    id: 'inj-start-wait-end',
    name: 'start, wait, end',
    triggers: [{ match: 'substring', value: 'inj-wait' }],
    steps: [
      { type: 'text', chunks: ['start'], chunkDelayMs: 0 },
      { type: 'wait', ms: MINUTE },
      { type: 'text', chunks: ['end'], chunkDelayMs: 0 },
    ],
  },
  {
    id: 'inj-open-text',
    name: 'a text message open for a minute',
    triggers: [{ match: 'substring', value: 'inj-open-text' }],
    steps: [{ type: 'text', chunks: ['one ', 'two'], chunkDelayMs: MINUTE }],
  },
  {
    id: 'inj-step',
    name: 'a step with a pause in it',
    triggers: [{ match: 'substring', value: 'inj-step' }],
    steps: [
      {
        type: 'step',
        name: 's1',
        steps: [
          { type: 'text', chunks: ['in the step'], chunkDelayMs: 0 },
          { type: 'wait', ms: 400 },
          { type: 'text', chunks: ['still in it'], chunkDelayMs: 0 },
        ],
      },
      { type: 'text', chunks: ['after it'], chunkDelayMs: 0 },
    ],
  },
  {
    id: 'inj-text-pause',
    name: 'a text message with a pause between its chunks',
    triggers: [{ match: 'substring', value: 'inj-text-pause' }],
    steps: [
      { type: 'text', chunks: ['one ', 'two'], chunkDelayMs: 400 },
      { type: 'text', chunks: ['next'], chunkDelayMs: 0 },
    ],
  },
  {
    id: 'inj-spoken-pause',
    name: 'a spoken text message with a pause between its chunks',
    triggers: [{ match: 'substring', value: 'inj-spoken-pause' }],
    steps: [
      { type: 'text', chunks: ['one ', 'two'], chunkDelayMs: 400, spoken: true },
      { type: 'text', chunks: ['next'], chunkDelayMs: 0 },
    ],
  },
  {
    id: 'inj-tool-pause',
    name: 'a tool call with a pause between its args',
    triggers: [{ match: 'substring', value: 'inj-tool-pause' }],
    steps: [
      { type: 'toolCall', name: 'lookup', argsChunks: ['{"a":', '1}'], chunkDelayMs: 400, result: { ok: true } },
      { type: 'text', chunks: ['done'], chunkDelayMs: 0 },
    ],
  },
  {
    id: 'inj-state',
    name: 'a state, then a wait',
    triggers: [{ match: 'substring', value: 'inj-state' }],
    steps: [
      { type: 'stateSnapshot', snapshot: { a: 1 } },
      { type: 'wait', ms: MINUTE },
    ],
  },
  {
    id: 'inj-state-quick',
    name: 'a state, then done',
    triggers: [{ match: 'substring', value: 'inj-quick-state' }],
    steps: [{ type: 'stateSnapshot', snapshot: { a: 1 } }],
  },
];
for (const scenario of SCENARIOS) server.context.scenarios.put(scenario);

/** A run on /agent with the official HttpAgent: its events as they arrive, and how it ended. */
function httpRun(text: string) {
  const threadId = `thread-${crypto.randomUUID()}`;
  const agent = new HttpAgent({ url: `${server.url}/agent`, threadId });
  agent.addMessage({ id: crypto.randomUUID(), role: 'user', content: text });
  const events: ReceivedEvent[] = [];
  const errors: string[] = [];
  let settled = false;
  const done = agent
    .runAgent(
      {},
      {
        onEvent: ({ event }) => {
          events.push(event as ReceivedEvent);
        },
        onRunFailed: ({ error }) => {
          errors.push(error.message);
        },
      },
    )
    .catch((error: Error) => {
      errors.push(error.message);
    })
    .finally(() => {
      settled = true;
    });
  return {
    threadId,
    agent,
    events,
    errors,
    done,
    get settled() {
      return settled;
    },
    waitFor: (match: (event: ReceivedEvent) => boolean) => eventually(() => events.some(match), 'an event'),
  };
}

async function connectionOf(threadId: string): Promise<ConnectionSummary> {
  let found: ConnectionSummary | undefined;
  await eventually(async () => {
    const page = await api.get<ItemsPage<ConnectionSummary>>('/connections');
    found = page.body.items.find((connection) => connection.threadId === threadId);
    return found !== undefined;
  }, `the connection of ${threadId}`);
  return found as ConnectionSummary;
}

async function summary(id: string): Promise<ConnectionSummary> {
  return (await api.get<ConnectionSummary>(`/connections/${id}`)).body;
}

/** The event types the engine sent on connection `id`, from its frame log. */
function sentTypes(id: string): string[] {
  const connection = server.context.registry.list().find((candidate) => candidate.id === id);
  assert.ok(connection, `connection ${id} is listed`);
  return connection.frames
    .toArray()
    .filter((frame) => frame.direction === 'out')
    .map((frame) => JSON.parse(frame.text).type);
}
const isText = (delta: string) => (event: ReceivedEvent) =>
  event.type === 'TEXT_MESSAGE_CONTENT' && event.delta === delta;

async function verified(events: readonly ReceivedEvent[]): Promise<void> {
  await assertVerified(events as BaseEvent[]);
}

// Each test runs on a thread of its own and waits out real delays (speed 1): a section's tests run side by side.
// ——— 1. A person's RUN_ERROR or RUN_FINISHED ends the scenario's run ————————————————————————————
describe("a person's RUN_ERROR or RUN_FINISHED", { concurrency: true }, () => {
  test('SSE: the run-error macro ends the run there; the response ends after it, nothing of the scenario follows', async () => {
    const run = httpRun('inj-wait');
    await run.waitFor(isText('start'));
    const { id } = await connectionOf(run.threadId);
    const sent = await api.post<InjectResult>(`/connections/${id}/macros/run-error`, { message: 'stop it', code: 'X' });
    assert.equal(sent.status, 200);
    assert.deepEqual(sent.body, { connectionId: id, sent: 1, held: 0, findings: [] });
    await eventually(() => run.settled, 'the client run to settle', ENDS_WITHIN_MS);
    assert.equal(run.events.at(-1)?.type, 'RUN_ERROR');
    assert.equal(run.events.at(-1)?.message, 'stop it');
    assert.equal(run.events.filter((event) => event.type === 'RUN_ERROR').length, 1);
    assert.ok(!run.events.some(isText('end')), 'the scenario stopped at the RUN_ERROR');
    assert.ok(
      run.errors.every((error) => !/Cannot send event type/.test(error)),
      `the client fails on no sequence rule: ${run.errors.join('; ')}`,
    );
    await verified(run.events);
    await eventually(async () => (await summary(id)).state === 'closed', 'the SSE connection to be closed');
    assert.equal((await summary(id)).activeRunId, null);
  });

  test('SSE: an injected RUN_FINISHED ends the run: the client run succeeds with just that RUN_FINISHED', async () => {
    const run = httpRun('inj-wait');
    await run.waitFor(isText('start'));
    const { id } = await connectionOf(run.threadId);
    const [started] = run.events;
    const sent = await api.post<InjectResult>(`/connections/${id}/events`, {
      events: [{ type: 'RUN_FINISHED', threadId: started?.threadId, runId: started?.runId, result: { by: 'person' } }],
    });
    assert.equal(sent.status, 200);
    assert.deepEqual(sent.body.findings, []);
    await eventually(() => run.settled, 'the client run to settle', ENDS_WITHIN_MS);
    assert.deepEqual(run.errors, []);
    assert.equal(run.events.filter((event) => event.type === 'RUN_FINISHED').length, 1);
    assert.deepEqual(run.events.at(-1)?.result, { by: 'person' });
    await verified(run.events);
    assert.equal((await summary(id)).activeRunId, null);
  });

  test('SSE: RUN_FINISHED while the scenario has a text message open is R5 (409); forced, it goes out as written and ends the run', async () => {
    const run = httpRun('inj-open-text');
    await run.waitFor(isText('one '));
    const { id } = await connectionOf(run.threadId);
    const [started] = run.events;
    const finish = { type: 'RUN_FINISHED', threadId: started?.threadId, runId: started?.runId };
    const refused = await api.post<InjectConflict>(`/connections/${id}/events`, { events: [finish] });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.findings[0]?.rule, 'R5');
    const forced = await api.post<InjectResult>(`/connections/${id}/events`, { events: [finish], force: true });
    assert.equal(forced.status, 200);
    assert.equal(forced.body.findings[0]?.rule, 'R5');
    await eventually(() => run.settled, 'the client run to settle', ENDS_WITHIN_MS);
    // Forced through as written: the engine adds no TEXT_MESSAGE_END before it, and nothing after it.
    // What went out (the client stops reading at the RUN_FINISHED it refuses): the person's RUN_FINISHED is last.
    await eventually(async () => (await summary(id)).state === 'closed', 'the SSE connection to be closed');
    const wire = sentTypes(id);
    assert.equal(wire.at(-1), 'RUN_FINISHED');
    assert.ok(!wire.includes('TEXT_MESSAGE_END'), 'the engine closed nothing before it');
    assert.equal(wire.filter((type) => type === 'RUN_FINISHED').length, 1);
    // The client refuses it as written, as the 409 said it would (R5), and nothing else.
    assert.ok(
      run.errors.every((error) => /while text messages are still active/.test(error)),
      run.errors.join('; '),
    );
    assert.equal((await summary(id)).activeRunId, null);
  });

  test('WS: an injected RUN_ERROR ends the run, the socket stays open, and the next run plays (a queued one at once)', async () => {
    const ws = await AguiSocket.open(server.wsUrl);
    const threadId = `ws-${crypto.randomUUID()}`;
    ws.ask('inj-wait', { threadId });
    await ws.waitFor(isText('start'));
    const { id } = await connectionOf(threadId);
    // Asked while the run plays: it waits its turn, which comes right after the person's RUN_ERROR.
    ws.ask('inj-quick-state', { threadId });
    await eventually(async () => (await summary(id)).counters.framesIn === 2, 'the second message to arrive');
    const sent = await api.post<InjectResult>(`/connections/${id}/macros/run-error`, { message: 'stop it' });
    assert.equal(sent.status, 200);
    assert.deepEqual(sent.body.findings, []);
    await ws.waitForRuns(2, ENDS_WITHIN_MS);
    const errorAt = ws.events.findIndex((event) => event.type === 'RUN_ERROR');
    assert.equal(ws.events[errorAt]?.message, 'stop it');
    assert.equal(ws.events[errorAt + 1]?.type, 'RUN_STARTED', 'the queued run follows the RUN_ERROR');
    assert.ok(!ws.events.some(isText('end')));
    await verified(ws.events);
    const after = await summary(id);
    assert.equal(after.state, 'open');
    assert.equal(after.activeRunId, null);
    // Ready for more: a new run plays to its end.
    ws.ask('inj-quick-state', { threadId });
    await ws.waitForRuns(3);
    await delay(100);
    await verified(ws.events);
    assert.equal(ws.events.filter((event) => event.type === 'RUN_STARTED').length, 3);
    await ws.close();
  });

  test('WS: an injected RUN_FINISHED ends the run; nothing of the scenario follows it', async () => {
    const ws = await AguiSocket.open(server.wsUrl);
    const threadId = `ws-${crypto.randomUUID()}`;
    ws.ask('inj-wait', { threadId });
    await ws.waitFor(isText('start'));
    const { id } = await connectionOf(threadId);
    const [started] = ws.events;
    const sent = await api.post<InjectResult>(`/connections/${id}/events`, {
      events: [{ type: 'RUN_FINISHED', threadId, runId: started?.runId }],
    });
    assert.deepEqual(sent.body.findings, []);
    await eventually(async () => (await summary(id)).activeRunId === null, 'the run to end', ENDS_WITHIN_MS);
    const count = ws.events.length;
    // Nothing to wait for: the scenario's minute-long wait is gone with its run (it would send "end" after it).
    await delay(200);
    assert.equal(ws.events.length, count);
    assert.equal(ws.events.at(-1)?.type, 'RUN_FINISHED');
    await verified(ws.events);
    await ws.close();
  });
});

// ——— 2. Closing an item the playing scenario opened ——————————————————————————————————————————
describe('closing an item the playing scenario opened', { concurrency: true }, () => {
  test("SSE: STEP_FINISHED for the scenario's open step is SC1 (409); forced, the scenario skips its own STEP_FINISHED", async () => {
    const run = httpRun('inj-step');
    await run.waitFor(isText('in the step'));
    const { id } = await connectionOf(run.threadId);
    const close = { type: 'STEP_FINISHED', stepName: 's1' };
    const refused = await api.post<InjectConflict>(`/connections/${id}/events`, { events: [close] });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.findings[0]?.rule, 'SC1');
    assert.match(refused.body.findings[0]?.message ?? '', /playing scenario opened it and closes it itself/);
    const check = await api.post<{ findings: { rule: string }[] }>(`/connections/${id}/events/check`, {
      events: [close],
    });
    assert.equal(check.body.findings[0]?.rule, 'SC1');
    const forced = await api.post<InjectResult>(`/connections/${id}/events`, { events: [close], force: true });
    assert.equal(forced.status, 200);
    assert.deepEqual(
      forced.body.findings.map((finding) => finding.rule),
      ['SC1'],
    );
    await run.done;
    assert.deepEqual(run.errors, []);
    assert.equal(
      run.events.filter((event) => event.type === 'STEP_FINISHED').length,
      1,
      "one STEP_FINISHED: the person's",
    );
    assert.ok(run.events.some(isText('after it')), 'the scenario played on');
    await verified(run.events);
  });

  test("SSE: TEXT_MESSAGE_END for the scenario's message, forced: the scenario sends neither the rest nor its END", async () => {
    const run = httpRun('inj-text-pause');
    await run.waitFor(isText('one '));
    const { id } = await connectionOf(run.threadId);
    const messageId = run.events.find((event) => event.type === 'TEXT_MESSAGE_START')?.messageId;
    const close = { type: 'TEXT_MESSAGE_END', messageId };
    const refused = await api.post<InjectConflict>(`/connections/${id}/events`, { events: [close] });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.findings[0]?.rule, 'SC1');
    const forced = await api.post<InjectResult>(`/connections/${id}/events`, { events: [close], force: true });
    assert.equal(forced.body.findings[0]?.rule, 'SC1');
    await run.done;
    assert.deepEqual(run.errors, []);
    assert.ok(!run.events.some(isText('two')), "the rest of the person's closed message is not sent");
    assert.ok(run.events.some(isText('next')), 'the scenario played on');
    await verified(run.events);
  });

  test("SSE: agora:spoken_text_end for the scenario's spoken text is SC1; forced, the scenario sends no more of it", async () => {
    const run = httpRun('inj-spoken-pause');
    await run.waitFor(isText('one '));
    const { id } = await connectionOf(run.threadId);
    const messageId = run.events.find((event) => event.type === 'TEXT_MESSAGE_START')?.messageId;
    const close = { type: 'CUSTOM', name: 'agora:spoken_text_end', value: { messageId } };
    const refused = await api.post<InjectConflict>(`/connections/${id}/events`, { events: [close] });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.findings[0]?.rule, 'SC1');
    assert.match(refused.body.findings[0]?.message ?? '', new RegExp(`for spoken text '${messageId}'`));
    const forced = await api.post<InjectResult>(`/connections/${id}/events`, { events: [close], force: true });
    assert.equal(forced.body.findings[0]?.rule, 'SC1');
    await run.done;
    assert.deepEqual(run.errors, []);
    const spoken = (name: string) =>
      run.events.filter(
        (event) =>
          event.type === 'CUSTOM' &&
          event.name === name &&
          (event.value as { messageId?: string }).messageId === messageId,
      );
    assert.equal(spoken('agora:spoken_text_end').length, 1, "one spoken end: the person's");
    assert.equal(spoken('agora:spoken_text_content').length, 1, 'no spoken content after it');
    assert.ok(run.events.some(isText('two')), 'the written text goes on: only its spoken twin was closed');
    await verified(run.events);
  });

  test("WS: TOOL_CALL_END for the scenario's tool call, forced: no second END; its result still comes", async () => {
    const ws = await AguiSocket.open(server.wsUrl);
    const threadId = `ws-${crypto.randomUUID()}`;
    ws.ask('inj-tool-pause', { threadId });
    const start = await ws.waitFor((event) => event.type === 'TOOL_CALL_START');
    const { id } = await connectionOf(threadId);
    const close = { type: 'TOOL_CALL_END', toolCallId: start.toolCallId };
    const refused = await api.post<InjectConflict>(`/connections/${id}/events`, { events: [close] });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.findings[0]?.rule, 'SC1');
    await api.post<InjectResult>(`/connections/${id}/events`, { events: [close], force: true });
    await ws.waitForRuns(1);
    assert.equal(ws.events.filter((event) => event.type === 'TOOL_CALL_END').length, 1);
    assert.equal(
      ws.events.filter((event) => event.type === 'TOOL_CALL_ARGS').length,
      1,
      'the rest of the args skipped',
    );
    assert.ok(ws.events.some((event) => event.type === 'TOOL_CALL_RESULT' && event.toolCallId === start.toolCallId));
    await verified(ws.events);
    await ws.close();
  });

  test("WS: STEP_FINISHED for the scenario's step, forced: the scenario skips its own", async () => {
    const ws = await AguiSocket.open(server.wsUrl);
    const threadId = `ws-${crypto.randomUUID()}`;
    ws.ask('inj-step', { threadId });
    await ws.waitFor(isText('in the step'));
    const { id } = await connectionOf(threadId);
    const forced = await api.post<InjectResult>(`/connections/${id}/events`, {
      events: [{ type: 'STEP_FINISHED', stepName: 's1' }],
      force: true,
    });
    assert.deepEqual(
      forced.body.findings.map((finding) => finding.rule),
      ['SC1'],
    );
    await ws.waitForRuns(1);
    assert.equal(ws.events.filter((event) => event.type === 'STEP_FINISHED' && event.stepName === 's1').length, 1);
    await verified(ws.events);
    await ws.close();
  });
});

// ——— 3. STATE_DELTA against the thread's state ————————————————————————————————————————————

test("SSE: a state-delta that does not apply to the run's state is ST1 (409), naming the operation; the state follows injected deltas", async () => {
  const run = httpRun('inj-state');
  await run.waitFor((event) => event.type === 'STATE_SNAPSHOT');
  const { id } = await connectionOf(run.threadId);
  const bad = await api.post<InjectConflict>(`/connections/${id}/macros/state-delta`, {
    delta: [{ op: 'replace', path: '/nope/deep', value: 1 }],
  });
  assert.equal(bad.status, 409);
  assert.equal(bad.body.findings[0]?.rule, 'ST1');
  assert.match(bad.body.findings[0]?.message ?? '', /operation 0 \(replace \/nope\/deep\)/);
  // Applies to {a:1}; the next one applies only after it: the state the engine checks against follows.
  const added = await api.post<InjectResult>(`/connections/${id}/macros/state-delta`, {
    delta: [{ op: 'add', path: '/b', value: { c: 1 } }],
  });
  assert.equal(added.status, 200);
  assert.deepEqual(added.body.findings, []);
  const nested = await api.post<InjectResult>(`/connections/${id}/events`, {
    events: [{ type: 'STATE_DELTA', delta: [{ op: 'replace', path: '/b/c', value: 2 }] }],
  });
  assert.equal(nested.status, 200);
  assert.deepEqual(nested.body.findings, []);
  // In one request, checked in order: a snapshot first makes the delta after it apply.
  const inOrder = await api.post<InjectResult>(`/connections/${id}/events`, {
    events: [
      { type: 'STATE_SNAPSHOT', snapshot: { x: {} } },
      { type: 'STATE_DELTA', delta: [{ op: 'add', path: '/x/y', value: 1 }] },
    ],
  });
  assert.equal(inOrder.status, 200);
  const forced = await api.post<InjectResult>(`/connections/${id}/events`, {
    events: [{ type: 'STATE_DELTA', delta: [{ op: 'remove', path: '/a' }] }],
    force: true,
  });
  assert.equal(forced.body.findings[0]?.rule, 'ST1', 'sent anyway, the finding is reported');
  await api.post(`/connections/${id}/macros/run-error`, { message: 'done' });
  await eventually(() => run.settled, 'the client run to settle', ENDS_WITHIN_MS);
  assert.deepEqual(run.agent.state, { x: { y: 1 } });
});

test("WS: between runs, a state-delta is checked against the state the thread's last run left", async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  const threadId = `ws-${crypto.randomUUID()}`;
  ws.ask('inj-quick-state', { threadId });
  await ws.waitForRuns(1);
  const { id } = await connectionOf(threadId);
  const bad = await api.post<InjectConflict>(`/connections/${id}/macros/state-delta`, {
    delta: [{ op: 'replace', path: '/nope', value: 1 }],
  });
  assert.equal(bad.status, 409);
  assert.equal(bad.body.findings[0]?.rule, 'ST1');
  const good = await api.post<InjectResult>(`/connections/${id}/macros/state-delta`, {
    delta: [{ op: 'replace', path: '/a', value: 2 }],
  });
  assert.equal(good.status, 200);
  assert.deepEqual(good.body.findings, []);
  await ws.waitForRuns(2);
  await verified(ws.events);
  await ws.close();
});
