import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import WebSocket from 'ws';
import type { ScenarioInput } from '../src/shared/scenario';
import { AguiSocket, assertValidStream, type ReceivedEvent } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// On an AG-UI socket a RunAgentInput whose `resume` names an interrupt that is not pending is refused with
// agora:error interrupt_not_pending, as HTTP answers it with 409: never played as a fresh run. The connection stays
// open, and a run paused at another interrupt stays paused.

const server = await startTestEngine();
const control = controlClient(server);

const orderScenario: ScenarioInput = {
  id: 'order',
  name: 'order',
  triggers: [{ match: 'lastMessage', substring: 'order', priority: 60 }],
  steps: [
    {
      type: 'interrupt',
      id: 'ask',
      reason: 'confirmation',
      message: 'How many?',
      responseSchema: { type: 'object', properties: { quantity: { type: 'integer' } }, required: ['quantity'] },
      resolved: [{ type: 'text', chunks: ['Ordered {{steps.ask.payload.quantity}}.'], spoken: false }],
      cancelled: [{ type: 'text', chunks: ['Not ordered.'], spoken: false }],
    },
  ],
};

assert.equal((await control.put('/scenarios/order', orderScenario)).status, 201);
assert.equal((await control.post('/agents', { id: 'order', path: '/order', scenarios: ['order'] })).status, 201);
for (const whileRunning of ['queue', 'cancel']) {
  const socket = {
    id: `order-${whileRunning}`,
    path: `/order-${whileRunning}`,
    behaviour: { type: 'agui', whileRunning },
  };
  assert.equal((await control.post('/sockets', socket)).status, 201);
}
const wsUrl = (path: string) => `${server.url.replace('http', 'ws')}${path}`;

function runInput(threadId: string, text = 'order tea', extra: Record<string, unknown> = {}) {
  return {
    threadId,
    runId: randomUUID(),
    messages: [{ id: 'u1', role: 'user', content: text }],
    tools: [],
    context: [],
    ...extra,
  };
}

const resuming = (threadId: string, interruptId: string, status = 'resolved', payload: unknown = { quantity: 2 }) =>
  runInput(threadId, 'order tea', { resume: [{ interruptId, status, ...(status === 'resolved' && { payload }) }] });

/** What arrived from `at` on: agora:error values, and every other event by type. */
const outline = (events: readonly ReceivedEvent[]) =>
  events.map((event) => (event.name === 'agora:error' ? event.value : event.type));

const texts = (events: readonly ReceivedEvent[]) =>
  events.filter((event) => event.type === 'TEXT_MESSAGE_CONTENT').map((event) => event.delta);

const notPending = (threadId: string, interruptId: string, pending: string) => ({
  errorCode: 'interrupt_not_pending',
  message: `Interrupt "${interruptId}" is not pending on thread "${threadId}"; the pending interrupt is "${pending}"`,
  details: { interruptId, pendingInterruptId: pending },
});

const nothingPending = (threadId: string, interruptId: string) => ({
  errorCode: 'interrupt_not_pending',
  message: `Nothing to resume on thread "${threadId}": no interrupt is pending (it was answered, superseded by another run, or the thread expired)`,
  details: { interruptId, pendingInterruptId: null },
});

/** Plays `order tea` on `ws` to its interrupt: its id. */
async function pause(ws: AguiSocket, threadId: string): Promise<string> {
  const runs = ws.events.filter((event) => event.type === 'RUN_FINISHED').length;
  ws.send(runInput(threadId));
  await ws.waitForRuns(runs + 1);
  const finished = ws.events.at(-1) as ReceivedEvent;
  assert.equal(finished.outcome?.type, 'interrupt');
  return finished.outcome.interrupts[0].id;
}

/** Sends `value` and waits for the one reply it gets. */
async function refusalOf(ws: AguiSocket, value: unknown): Promise<unknown> {
  const at = ws.events.length;
  ws.send(value);
  await ws.waitUntil(() => ws.events.length > at);
  // Anything more (a run started after all) would arrive in the same burst: give it a turn to show.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const replies = outline(ws.events.slice(at));
  assert.equal(replies.length, 1, `one reply, got ${JSON.stringify(replies)}`);
  return replies[0];
}

test('an unknown interrupt id is refused with interrupt_not_pending; the connection stays open and runs go on', async () => {
  const ws = await AguiSocket.open(wsUrl('/order-queue'));
  try {
    const threadId = `thread-${randomUUID()}`;
    // Nothing paused yet on this connection.
    assert.deepEqual(await refusalOf(ws, resuming(threadId, 'int-unknown')), nothingPending(threadId, 'int-unknown'));
    assert.equal(ws.socket.readyState, WebSocket.OPEN);

    // Paused at one interrupt, resumed with another id: refused, naming the pending one, which stays pending.
    const pending = await pause(ws, threadId);
    assert.deepEqual(
      await refusalOf(ws, resuming(threadId, 'int-unknown')),
      notPending(threadId, 'int-unknown', pending),
    );
    assert.equal(ws.socket.readyState, WebSocket.OPEN);
    const at = ws.events.length;
    ws.send(resuming(threadId, pending));
    await ws.waitForRuns(2);
    assert.deepEqual(texts(ws.events.slice(at)), ['Ordered 2.'], 'the paused run was left paused');
    await assertValidStream(ws.events);
  } finally {
    await ws.close();
  }
});

test('an interrupt already answered is refused: nothing starts afresh', async () => {
  const ws = await AguiSocket.open(wsUrl('/order-queue'));
  try {
    const threadId = `thread-${randomUUID()}`;
    const answered = await pause(ws, threadId);
    ws.send(resuming(threadId, answered));
    await ws.waitForRuns(2);
    assert.deepEqual(texts(ws.events), ['Ordered 2.']);

    assert.deepEqual(await refusalOf(ws, resuming(threadId, answered)), nothingPending(threadId, answered));
    assert.equal(ws.socket.readyState, WebSocket.OPEN);
    // A following valid run plays as usual.
    const again = await pause(ws, threadId);
    assert.notEqual(again, answered);
    assert.equal(ws.events.filter((event) => event.type === 'RUN_STARTED').length, 3);
    await assertValidStream(ws.events);
  } finally {
    await ws.close();
  }
});

test('cancelled entries are judged by their id as over HTTP: a stray one is refused, the pending one cancels', async () => {
  const ws = await AguiSocket.open(wsUrl('/order-queue'));
  try {
    const threadId = `thread-${randomUUID()}`;
    const pending = await pause(ws, threadId);
    const stray = resuming(threadId, 'int-other', 'cancelled');
    assert.deepEqual(await refusalOf(ws, stray), notPending(threadId, 'int-other', pending));
    // The right id while pending still resumes (here: the cancelled branch).
    const at = ws.events.length;
    ws.send(resuming(threadId, pending, 'cancelled'));
    await ws.waitForRuns(2);
    assert.deepEqual(texts(ws.events.slice(at)), ['Not ordered.']);
    await assertValidStream(ws.events);
  } finally {
    await ws.close();
  }

  // HTTP answers the same input with a 409 carrying the same words.
  const post = (body: unknown) =>
    fetch(`${server.url}/order`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
    });
  const threadId = `thread-${randomUUID()}`;
  const refused = await post(resuming(threadId, 'int-other', 'cancelled'));
  assert.equal(refused.status, 409);
  assert.deepEqual(await refused.json(), { detail: nothingPending(threadId, 'int-other').message });
});

test('a resume while a run plays is refused at once, and the playing run goes on (queue and cancel)', async () => {
  for (const path of ['/order-queue', '/order-cancel']) {
    const ws = await AguiSocket.open(wsUrl(path));
    try {
      // AGORA's report flow waits in the run for an approval answer on a socket.
      ws.ask('Genereer rapport');
      const request = await ws.waitForCustom('agora:tool_approval_request');
      const approvalId = request.value.approvalId;
      assert.deepEqual(
        await refusalOf(ws, resuming('thread-test', approvalId, 'resolved', { approved: true })),
        nothingPending('thread-test', approvalId),
        path,
      );
      ws.approve(approvalId, true);
      await ws.waitForRuns(1);
      await assertValidStream(ws.events);
      const finished = ws.events.at(-1) as ReceivedEvent;
      assert.equal(finished.outcome, undefined, `${path}: the run was not cancelled`);
      assert.ok(
        ws.events.some((event) => event.toolCallName === 'generate_inspection_report'),
        path,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(ws.events.filter((event) => event.type === 'RUN_STARTED').length, 1, `${path}: nothing queued`);
    } finally {
      await ws.close();
    }
  }
});
