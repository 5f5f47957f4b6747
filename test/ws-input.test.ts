import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { AguiSocket, assertValidStream, type ReceivedEvent } from './helpers/agui-socket';
import { startTestEngine } from './helpers/engine';

// What a client may send on /ws: AGORA's RunAgentInput variant, the official AG-UI 1.0 RunAgentInput, an
// approval answer; everything else gets agora:error and leaves an open run alone.

const server = await startTestEngine();

function errors(events: readonly ReceivedEvent[]): { errorCode: string; message: string }[] {
  return events.filter((event) => event.type === 'CUSTOM' && event.name === 'agora:error').map((event) => event.value);
}

test('the official AG-UI 1.0 RunAgentInput is accepted and its ids are used', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  const threadId = randomUUID();
  const runId = randomUUID();
  ws.send({
    threadId,
    runId,
    state: {},
    messages: [
      { id: 'm1', role: 'user', content: 'Hallo' },
      { id: 'm2', role: 'assistant', content: 'Welkom' },
      { id: 'm3', role: 'user', content: [{ type: 'text', text: 'Start inspectie bij Restaurant Bella Rosa' }] },
    ],
    tools: [],
    context: [{ description: 'locale', value: 'nl-NL' }],
    forwardedProps: { userId: 'koen' },
  });
  await ws.waitForRuns(1);
  await assertValidStream(ws.events);
  assert.equal(ws.events[0]?.threadId, threadId);
  assert.equal(ws.events[0]?.runId, runId);
  const handoff = ws.events.find((event) => event.type === 'TOOL_CALL_ARGS');
  assert.equal(JSON.parse(handoff?.delta).agent_id, 'history-agent', 'routes on the last user message');
  const connection = server.context.registry.list().find((c) => c.threadId === threadId);
  assert.equal(connection?.userId, 'koen');
  await ws.close();
});

test("AGORA's variant: snake_case ids, messages without ids, context as an object", async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  const threadId = `session_${randomUUID()}`;
  ws.send({
    thread_id: threadId,
    run_id: 'run-snake',
    user_id: 'fatima',
    messages: [{ role: 'user', content: 'Hallo' }],
    context: { locale: 'nl-NL' },
  });
  await ws.waitForRuns(1);
  await assertValidStream(ws.events);
  assert.equal(ws.events[0]?.threadId, threadId);
  assert.equal(ws.events[0]?.runId, 'run-snake');
  const connection = server.context.registry.list().find((c) => c.threadId === threadId);
  assert.equal(connection?.userId, 'fatima');
  assert.equal(connection?.activeRunId, null, 'no active run once it finished');
  await ws.close();
});

test("runId, message ids and tools do not make a request official-only: AGORA's variant still reads it", async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  const runId = randomUUID();
  // The official schema refuses it (context as an object); AGORA's variant takes it, as it always has.
  ws.send({
    threadId: randomUUID(),
    runId,
    messages: [{ id: 'm1', role: 'user', content: 'Hallo' }],
    tools: [],
    context: { locale: 'nl-NL' },
  });
  await ws.waitForRuns(1);
  await assertValidStream(ws.events);
  assert.equal(ws.events[0]?.runId, runId);
  assert.deepEqual(errors(ws.events), []);
  await ws.close();
});

test('without threadId or runId the server makes them up', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.send({ messages: [{ role: 'user', content: 'Hallo' }] });
  await ws.waitForRuns(1);
  await assertValidStream(ws.events);
  assert.ok(ws.events[0]?.threadId);
  assert.ok(ws.events[0]?.runId);
  await ws.close();
});

test('bad frames get agora:error naming the problem, outside a run', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.send('{"threadId": ');
  ws.sendBinary(Buffer.from([1, 2, 3]));
  ws.send({ hello: 'world' });
  ws.send([1, 2]);
  ws.send({ type: 'TOOL_CALL_START', toolCallId: 'x', toolCallName: 'y' });
  ws.send({ type: 'CUSTOM', name: 'agora:something_else', value: {} });
  ws.send({ threadId: 't', messages: 'not a list' });
  ws.send({ threadId: 't', messages: [{ role: 'robot', content: 'hi' }] });
  ws.send({ threadId: '', runId: 'r', messages: [{ id: 'm', role: 'user', content: 'hi' }] });
  ws.send({ type: 'CUSTOM', name: 'agora:tool_approval_response', value: { approvalId: 'appr-1' } });
  ws.approve('appr-nothing-pending', true);
  // A run request whose state holds a number JSON cannot write (it parses as Infinity): never stored or played.
  ws.send('{"threadId":"t","messages":[{"id":"m","role":"user","content":"hi"}],"state":{"n":1e400}}');
  await ws.waitUntil(() => ws.events.length >= 12);
  assert.deepEqual(
    errors(ws.events).map((error) => error.errorCode),
    [
      'invalid_json',
      'binary_frame',
      'unknown_message',
      'unknown_message',
      'unknown_message',
      'unknown_message',
      'invalid_run_input',
      'invalid_run_input',
      'invalid_run_input',
      'invalid_approval_response',
      'no_pending_approval',
      'invalid_json',
    ],
  );
  for (const error of errors(ws.events)) assert.ok(error.message.length > 0);
  assert.match(errors(ws.events)[4]?.message ?? '', /TOOL_CALL_START/);
  assert.equal(
    errors(ws.events)[11]?.message,
    'Frame rejected: the number at state.n is out of range: JSON numbers here are finite, at most about ±1.8e308',
  );
  assert.equal(ws.events.length, 12, 'errors only: no run was started by any of them');
  await assertValidStream(ws.events);
  await ws.close();
});

test('bad frames during a run waiting for approval leave it undisturbed; a wrong approvalId is refused', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask('Genereer rapport');
  const request = await ws.waitForCustom('agora:tool_approval_request');
  const at = ws.events.length;
  ws.send('not json');
  ws.sendBinary(Buffer.from('binary'));
  ws.send({ what: 'ever' });
  ws.approve('appr-wrong', true);
  await ws.waitUntil(() => ws.events.length >= at + 4);
  assert.deepEqual(
    errors(ws.events.slice(at)).map((error) => error.errorCode),
    ['invalid_json', 'binary_frame', 'unknown_message', 'unknown_approval_id'],
  );
  ws.approve(request.value.approvalId, true);
  await ws.waitForRuns(1);
  await assertValidStream(ws.events);
  assert.ok(ws.events.some((event) => event.toolCallName === 'generate_inspection_report'));
  await ws.close();
});

test('a run request with a resume the official schema refuses is refused at once, not queued behind the run', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask('Genereer rapport');
  const request = await ws.waitForCustom('agora:tool_approval_request');
  const at = ws.events.length;
  const resume = [{ interruptId: request.value.approvalId, status: 'resolved', payload: null }];
  ws.send({ threadId: 'thread-test', runId: randomUUID(), messages: [], resume });
  await ws.waitUntil(() => ws.events.length > at);
  assert.deepEqual(errors(ws.events.slice(at)), [
    {
      errorCode: 'invalid_run_input',
      message:
        "Invalid RunAgentInput: one that carries resume must be the official AG-UI RunAgentInput (AGORA's variant has no resume)",
      details: [{ path: 'resume.0.payload', message: 'payload may be left out but not null: omit it for no payload' }],
    },
  ]);
  ws.approve(request.value.approvalId, true);
  await ws.waitForRuns(1);
  await assertValidStream(ws.events);
  assert.equal(ws.events.at(-1)?.type, 'RUN_FINISHED');
  assert.equal(ws.events.filter((event) => event.type === 'RUN_STARTED').length, 1, 'nothing was queued');
  await ws.close();
});

test('bad frames mid-stream do not interrupt the text being streamed', async () => {
  const slow = await startTestEngine({ settings: { speed: 0.2 } });
  const ws = await AguiSocket.open(slow.wsUrl);
  ws.ask('Hallo');
  await ws.waitFor((event) => event.type === 'TEXT_MESSAGE_CONTENT');
  ws.send('{broken');
  ws.approve('appr-x', false);
  await ws.waitForRuns(1);
  await assertValidStream(ws.events);
  assert.deepEqual(
    errors(ws.events).map((error) => error.errorCode),
    ['invalid_json', 'no_pending_approval'],
  );
  assert.equal(ws.events.filter((event) => event.type === 'RUN_STARTED').length, 1);
  assert.equal(ws.events.at(-1)?.outcome, undefined, 'the run completed, it was not cancelled');
  await ws.close();
});

test('a frame nested deeper than maxJsonDepth is refused naming the limit; the run in progress plays on', async () => {
  const shallow = await startTestEngine({ settings: { maxJsonDepth: 16 } });
  const ws = await AguiSocket.open(shallow.wsUrl);
  ws.ask('Genereer rapport');
  const request = await ws.waitForCustom('agora:tool_approval_request');
  const at = ws.events.length;
  // Run requests that would start a new run (cancelling the waiting one) if they were read. The first as text,
  // so nothing here recurses over its 5,000 levels.
  const deepState = `${'['.repeat(5_000)}1${']'.repeat(5_000)}`;
  ws.send(`{"threadId":"thread-test","messages":[{"role":"user","content":"Hallo"}],"state":${deepState}}`);
  ws.send({ threadId: 'thread-test', messages: [{ role: 'user', content: 'Hallo' }], state: nestedArrays(16) });
  await ws.waitUntil(() => ws.events.length >= at + 2, 30_000);
  const refusal = {
    errorCode: 'invalid_json',
    message: 'Frame rejected: JSON nested deeper than the limit of 16 levels (setting maxJsonDepth)',
  };
  assert.deepEqual(errors(ws.events.slice(at)), [refusal, refusal]);
  ws.approve(request.value.approvalId, true);
  await ws.waitForRuns(1, 30_000);
  await assertValidStream(ws.events);
  assert.equal(ws.events.filter((event) => event.type === 'RUN_STARTED').length, 1, 'no run started by either');
  assert.ok(
    ws.events.some((event) => event.toolCallName === 'generate_inspection_report'),
    'the approved run went on',
  );
  assert.equal(ws.events.at(-1)?.type, 'RUN_FINISHED');

  // One level less is read: the frame is a run request like any other.
  ws.send({ threadId: 'thread-test', messages: [{ role: 'user', content: 'Hallo' }], state: nestedArrays(14) });
  await ws.waitForRuns(2, 30_000);
  assert.equal(errors(ws.events).length, 2);
  await ws.close();
});

test('a frame with a "__proto__" key, at any depth and however it is spelled, is refused; a run in progress plays on', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask('Genereer rapport');
  const request = await ws.waitForCustom('agora:tool_approval_request');
  const at = ws.events.length;
  // Run requests that would wait for the run (then play) if they were read, and an answer that would approve it.
  const run = '"threadId":"thread-proto","messages":[{"role":"user","content":"Hallo"}]';
  ws.send(`{${run},"__proto__":{"polluted":true}}`);
  ws.send(`{${run},"state":{"items":[{"__proto__":null}]}}`);
  // JSON escapes spell the same key: `"\u005f_proto\u005f_"` parses as "__proto__".
  ws.send(`{${run},"\\u005f_proto\\u005f_":{}}`);
  ws.send(`{${run},"__pr\\u006fto__":{}}`);
  ws.send(
    `{"type":"CUSTOM","name":"agora:tool_approval_response","value":{"approvalId":"${request.value.approvalId}","approved":true,"__proto__":{}}}`,
  );
  await ws.waitUntil(() => ws.events.length >= at + 5);
  const refusal = (at: string) => ({
    errorCode: 'forbidden_key',
    message: `A key named "__proto__" is not accepted (at ${at}): rename the key`,
  });
  assert.deepEqual(errors(ws.events.slice(at)), [
    refusal('/__proto__'),
    refusal('/state/items/0/__proto__'),
    refusal('/__proto__'),
    refusal('/__proto__'),
    refusal('/value/__proto__'),
  ]);
  assert.equal(ws.events.length, at + 5, 'nothing but the refusals: no run queued, the approval still pending');

  ws.approve(request.value.approvalId, true);
  await ws.waitForRuns(1);
  // The word in a value, or in a key that only contains it, is text like any other.
  ws.send(`{${run},"state":{"note":"__proto__","__proto__x":1}}`);
  await ws.waitForRuns(2);
  await assertValidStream(ws.events);
  assert.equal(errors(ws.events).length, 5);
  assert.ok(
    ws.events.some((event) => event.toolCallName === 'generate_inspection_report'),
    'the approved run went on',
  );
  await ws.close();
});

/** Arrays `depth` levels deep; inside a frame object that is one level more. */
function nestedArrays(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

test('an approval answered twice: the first counts, the second finds nothing pending', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask('Genereer rapport');
  const request = await ws.waitForCustom('agora:tool_approval_request');
  ws.approve(request.value.approvalId, true);
  ws.approve(request.value.approvalId, false);
  await ws.waitForRuns(1);
  await ws.waitUntil(() => errors(ws.events).length === 1);
  assert.equal(errors(ws.events)[0]?.errorCode, 'no_pending_approval');
  assert.equal(ws.events.filter((event) => event.toolCallName === 'generate_inspection_report').length, 1);
  await assertValidStream(ws.events);
  await ws.close();
});
