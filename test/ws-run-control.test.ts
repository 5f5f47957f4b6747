import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { AguiSocket, assertValidStream, outline, type ReceivedEvent } from './helpers/agui-socket';
import { startTestEngine } from './helpers/engine';
import { eventually } from './helpers/wait';

// New input while a run plays (it waits its turn), disconnecting mid-run, approval timeouts: the stream stays
// well formed and no timer outlives its run. Scenario delays are shortened (speed 0.5) so runs are still mid-way
// when the test sends more. Cancelling (the console, the HTTP binding) is tested in stopped-run-closing.test.ts.

const server = await startTestEngine({ settings: { speed: 0.5 } });

const INSPECTION = 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854';

function timeouts(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

function tail(events: readonly ReceivedEvent[], from: number): string[] {
  return outline(events.slice(from));
}

function answerText(events: readonly ReceivedEvent[]): string {
  return events
    .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT')
    .map((event) => event.delta)
    .join('');
}

test('new input mid-text waits: the answer being streamed completes, then the new message is answered', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask(INSPECTION);
  await ws.waitFor((event) => event.type === 'TEXT_MESSAGE_CONTENT');
  const first = ws.events[0] as ReceivedEvent;
  ws.ask('Hallo');
  await ws.waitForRuns(2);
  await assertValidStream(ws.events);
  const finishedAt = ws.events.findIndex((event) => event.type === 'RUN_FINISHED');
  const finished = ws.events[finishedAt] as ReceivedEvent;
  assert.equal(finished.runId, first.runId);
  assert.equal(finished.outcome, undefined, 'the first run completed, it was not cancelled');
  assert.deepEqual(outline(ws.events.slice(finishedAt - 3, finishedAt + 3)), [
    'CUSTOM agora:spoken_text_end',
    'STEP_FINISHED thinking',
    'STATE_SNAPSHOT',
    'RUN_FINISHED',
    'RUN_STARTED',
    'STATE_SNAPSHOT',
  ]);
  assert.match(answerText(ws.events.slice(0, finishedAt)), /U kunt nu uw bevindingen doorgeven/);
  const second = ws.events[finishedAt + 1] as ReceivedEvent;
  assert.notEqual(second.runId, first.runId);
  assert.match(answerText(ws.events.slice(finishedAt)), /Ik help u graag verder met de inspectie/);
  assert.equal(ws.events.at(-1)?.type, 'RUN_FINISHED');
  assert.equal(ws.events.at(-1)?.outcome, undefined, 'a completed run is a plain RUN_FINISHED');
  await ws.close();
});

test('new input between tool args and end leaves the tool call alone: END and RESULT follow as scripted', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask(INSPECTION);
  const args = await ws.waitFor((event) => event.type === 'TOOL_CALL_ARGS' && event.delta.includes('92251854'));
  const at = ws.events.indexOf(args) + 1;
  ws.ask('Genereer rapport');
  await ws.waitForCustom('agora:tool_approval_request', at);
  await assertValidStream(ws.events);
  assert.deepEqual(tail(ws.events, at).slice(0, 2), ['TOOL_CALL_END', 'TOOL_CALL_RESULT']);
  const result = ws.events[at + 1] as ReceivedEvent;
  assert.equal(result.toolCallId, args.toolCallId);
  assert.equal(JSON.parse(result.content).name, 'Restaurant Bella Rosa', 'the scripted result, not a cancellation');
  assert.equal(ws.events.filter((event) => event.type === 'RUN_FINISHED')[0]?.outcome, undefined);
  await ws.close();
});

test('new input while waiting for approval waits too; the approval answer still goes to the waiting run', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask('Genereer rapport');
  const request = await ws.waitForCustom('agora:tool_approval_request');
  ws.ask('Hallo');
  // The queued message has reached the server once the connection counts it.
  await eventually(
    () =>
      server.context.registry.list().some((c) => c.activeRunId === ws.events[0]?.runId && c.counters.framesIn === 2),
    'the second message to arrive',
  );
  const at = ws.events.length;
  assert.equal(ws.events.at(-1), request, 'nothing was answered while the approval waits');
  ws.approve(request.value.approvalId, true);
  await ws.waitForRuns(2);
  await assertValidStream(ws.events);
  assert.equal(
    ws.events.some((event) => event.type === 'CUSTOM' && event.name === 'agora:error'),
    false,
  );
  const finishedAt = ws.events.findIndex((event) => event.type === 'RUN_FINISHED');
  assert.ok(
    ws.events
      .slice(at, finishedAt)
      .some((event) => event.type === 'TOOL_CALL_START' && event.toolCallName === 'generate_inspection_report'),
    'the approved report was generated in the first run',
  );
  assert.equal(ws.events[finishedAt]?.outcome, undefined);
  assert.match(answerText(ws.events.slice(finishedAt)), /Welkom bij AGORA/);
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
  await eventually(() => connection.state === 'closed' && timeouts() === idle, 'the run timer to go with the socket');
  const sent = connection.counters.framesOut;
  // A negative check (nothing more is sent) has no event to wait for: six of the run's chunk delays pass.
  await delay(300);
  assert.equal(connection.counters.framesOut, sent);
  assert.equal(connection.activeRunId, null);
});

test('a client that sends a run and its close at once gets what the log says was sent, then the close', async () => {
  for (let attempt = 0; attempt < 20; attempt++) {
    const ws = await AguiSocket.open(server.wsUrl);
    const threadId = `run-and-close-${attempt}`;
    // Back to back, so the engine reads both in one chunk (loopback) and answers the close as it reads it.
    ws.ask(INSPECTION, { threadId });
    await ws.close();
    const connection = server.context.registry.list().find((candidate) => candidate.threadId === threadId);
    assert.ok(connection, 'the connection is listed with its thread');
    await eventually(() => connection.state === 'closed', 'the connection to be closed');
    const logged = connection.frames
      .toArray()
      .filter((frame) => frame.direction === 'out')
      .map((frame) => JSON.parse(frame.text).type);
    assert.deepEqual(
      logged,
      ws.events.map((event) => event.type),
      'every frame logged as sent reached the client',
    );
  }
});

test('a socket closed while waiting for approval leaves no approval timer behind', async () => {
  const waiting = await startTestEngine({ settings: { speed: 0, approvalTimeoutMs: 60_000 } });
  const idle = timeouts();
  const ws = await AguiSocket.open(waiting.wsUrl);
  ws.ask('Genereer rapport');
  await ws.waitForCustom('agora:tool_approval_request');
  assert.equal(timeouts(), idle + 1, 'one timer per waiting run: the approval timeout');
  await ws.close();
  await eventually(() => timeouts() === idle, 'the approval timer to go with the socket');
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

test('runs on different sockets are independent: a message waiting on one leaves the other playing', async () => {
  const a = await AguiSocket.open(server.wsUrl);
  const b = await AguiSocket.open(server.wsUrl);
  a.ask(INSPECTION);
  b.ask(INSPECTION);
  await a.waitFor((event) => event.type === 'TOOL_CALL_START');
  a.ask('Hallo');
  await Promise.all([a.waitForRuns(2), b.waitForRuns(1)]);
  assert.equal(b.events.filter((event) => event.type === 'RUN_STARTED').length, 1);
  for (const events of [a.events, b.events]) {
    assert.equal(events.filter((event) => event.type === 'RUN_FINISHED' && event.outcome).length, 0);
    await assertValidStream(events);
  }
  await Promise.all([a.close(), b.close()]);
});
