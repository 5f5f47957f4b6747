import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { AguiSocket, assertValidStream, outline, type ReceivedEvent } from './helpers/agui-socket';
import { startTestEngine } from './helpers/engine';

// Cancelling a run with new input, disconnecting mid-run, approval timeouts: the stream stays well formed
// and no timer outlives its run. Scenario delays are shortened (speed 0.5) so runs are still mid-way when
// the test interrupts them.

const server = await startTestEngine({ settings: { speed: 0.5 } });

const INSPECTION = 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854';

function timeouts(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

function tail(events: readonly ReceivedEvent[], from: number): string[] {
  return outline(events.slice(from));
}

test('new input mid-text cancels cleanly: text and step closed, RUN_FINISHED cancelled, then the new run', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask(INSPECTION);
  await ws.waitFor((event) => event.type === 'TEXT_MESSAGE_CONTENT');
  const first = ws.events[0] as ReceivedEvent;
  ws.ask('Hallo');
  await ws.waitForRuns(2, 10_000);
  await assertValidStream(ws.events);
  const cancelledAt = ws.events.findIndex((event) => event.type === 'RUN_FINISHED');
  const finished = ws.events[cancelledAt] as ReceivedEvent;
  assert.deepEqual(finished.outcome, { type: 'cancelled' });
  assert.equal(finished.runId, first.runId);
  const beforeCancel = outline(ws.events.slice(cancelledAt - 4, cancelledAt + 2));
  assert.deepEqual(beforeCancel.slice(-5), [
    'TEXT_MESSAGE_END',
    'CUSTOM agora:spoken_text_end',
    'STEP_FINISHED thinking',
    'RUN_FINISHED',
    'RUN_STARTED',
  ]);
  const second = ws.events[cancelledAt + 1] as ReceivedEvent;
  assert.notEqual(second.runId, first.runId);
  assert.equal(ws.events.at(-1)?.type, 'RUN_FINISHED');
  assert.equal(ws.events.at(-1)?.outcome, undefined, 'a completed run is a plain RUN_FINISHED');
  await ws.close();
});

test('new input between tool args and end closes the tool call and its step', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask(INSPECTION);
  await ws.waitFor((event) => event.type === 'TOOL_CALL_ARGS' && event.delta.includes('92251854'));
  const at = ws.events.length;
  ws.ask('Genereer rapport');
  await ws.waitForCustom('agora:tool_approval_request', at, 10_000);
  await assertValidStream(ws.events);
  assert.deepEqual(tail(ws.events, at).slice(0, 4), [
    'TOOL_CALL_END',
    'STEP_FINISHED executing_tools',
    'RUN_FINISHED',
    'RUN_STARTED',
  ]);
  await ws.close();
});

test('new input while waiting for approval cancels the wait; the old approvalId is then refused', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask('Genereer rapport');
  const request = await ws.waitForCustom('agora:tool_approval_request', 0, 10_000);
  const at = ws.events.length;
  ws.ask('Hallo');
  await ws.waitForRuns(2, 10_000);
  assert.deepEqual(tail(ws.events, at).slice(0, 3), ['STEP_FINISHED executing_tools', 'RUN_FINISHED', 'RUN_STARTED']);
  const after = ws.events.length;
  ws.approve(request.value.approvalId, true);
  const error = await ws.waitForCustom('agora:error', after);
  assert.equal(error.value.errorCode, 'no_pending_approval');
  await delay(50);
  assert.equal(ws.events.length, after + 1, 'nothing but the error: no orphan report events');
  await assertValidStream(ws.events);
  await ws.close();
});

test('a closed socket stops its run at once: no timers left, nothing more sent', async () => {
  const idle = timeouts();
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask(INSPECTION);
  await ws.waitFor((event) => event.type === 'TEXT_MESSAGE_CONTENT');
  assert.ok(timeouts() > idle, 'the run holds a timer while it plays');
  const connection = server.context.registry.list().find((c) => c.activeRunId === ws.events[0]?.runId);
  assert.ok(connection, 'the connection shows its active run');
  await ws.close();
  await delay(20);
  assert.equal(timeouts(), idle, 'the run timer is gone with the socket');
  const sent = connection.counters.framesOut;
  await delay(300);
  assert.equal(connection.counters.framesOut, sent);
  assert.equal(connection.activeRunId, null);
});

test('a socket closed while waiting for approval leaves no approval timer behind', async () => {
  const waiting = await startTestEngine({ settings: { speed: 0, approvalTimeoutMs: 60_000 } });
  const idle = timeouts();
  const ws = await AguiSocket.open(waiting.wsUrl);
  ws.ask('Genereer rapport');
  await ws.waitForCustom('agora:tool_approval_request');
  assert.equal(timeouts(), idle + 1, 'one timer per waiting run: the approval timeout');
  await ws.close();
  await delay(20);
  assert.equal(timeouts(), idle);
});

test('no answer within approvalTimeoutMs plays the timeout branch: no report, run finished', async () => {
  const impatient = await startTestEngine({ settings: { speed: 0, approvalTimeoutMs: 50 } });
  const ws = await AguiSocket.open(impatient.wsUrl);
  ws.ask('Genereer rapport');
  const request = await ws.waitForCustom('agora:tool_approval_request');
  const at = ws.events.indexOf(request) + 1;
  await ws.waitForRuns(1);
  await assertValidStream(ws.events);
  assert.equal(outline(ws.events)[at], 'STEP_FINISHED executing_tools');
  const text = ws.events
    .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT')
    .map((event) => event.delta)
    .join('');
  assert.match(text, /geen antwoord op het goedkeuringsverzoek/);
  assert.equal(
    ws.events.some((event) => event.type === 'TOOL_CALL_START' && event.toolCallName === 'generate_inspection_report'),
    false,
  );
  ws.approve(request.value.approvalId, true);
  const error = await ws.waitForCustom('agora:error', ws.events.length);
  assert.equal(error.value.errorCode, 'no_pending_approval');
  await ws.close();
});

test('runs on different sockets are independent: cancelling one leaves the other playing', async () => {
  const a = await AguiSocket.open(server.wsUrl);
  const b = await AguiSocket.open(server.wsUrl);
  a.ask(INSPECTION);
  b.ask(INSPECTION);
  await a.waitFor((event) => event.type === 'TOOL_CALL_START');
  a.ask('Hallo');
  await Promise.all([a.waitForRuns(2, 10_000), b.waitForRuns(1, 10_000)]);
  assert.equal(b.events.filter((event) => event.type === 'RUN_FINISHED' && event.outcome).length, 0);
  assert.equal(a.events.filter((event) => event.outcome?.type === 'cancelled').length, 1);
  await assertValidStream(a.events);
  await assertValidStream(b.events);
  await Promise.all([a.close(), b.close()]);
});
