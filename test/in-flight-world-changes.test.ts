import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentHttpEndpoint } from '../src/server/agents/agent-http-endpoint';
import { SHUTTING_DOWN } from '../src/server/agui/streams-end';
import type { HttpError } from '../src/server/http/http-errors';
import type { ConnectionSummary, FrameRecord } from '../src/shared/connections';
import { HELLO_THEN_DONE, LONG_WAIT } from './helpers/agent-scenarios';
import { AguiSocket } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { parseRawResponse, type RawResponse } from './helpers/raw-http';
import { sseEvents } from './helpers/sse-events';
import { openTcp } from './helpers/tcp-client';
import { eventually } from './helpers/wait';

// Requests in flight while the world changes under them: a mount edited, packs switched, an agent changed while a
// body is still arriving or a stream is waiting its turn. What the client is told must be what the engine keeps.

const server = await startTestEngine({ settings: { speed: 1 } });
const control = controlClient(server);
const port = Number(new URL(server.url).port);
server.context.scenarios.put(LONG_WAIT);
server.context.scenarios.put(HELLO_THEN_DONE);

function runInput(text: string, threadId = `thread-${crypto.randomUUID()}`) {
  return {
    threadId,
    runId: crypto.randomUUID(),
    messages: [{ id: crypto.randomUUID(), role: 'user', content: text }],
  };
}

/**
 * A request sent in two steps over raw TCP: its head (with `Expect: 100-continue`) now, its body when the test
 * says. The engine's `100 Continue` means it took the request in and is waiting for the body.
 */
async function requestWaitingForBody(method: string, path: string, body: string, headers: Record<string, string> = {}) {
  const client = await openTcp(port);
  const head = [
    `${method} ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: close',
    'Content-Type: application/json',
    'Expect: 100-continue',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  client.socket.write(`${head.join('\r\n')}\r\n\r\n`);
  await eventually(() => client.received.startsWith('HTTP/1.1 100 Continue'), 'the engine to wait for the body');
  return {
    /** Sends the body; the response once the engine closed the connection. */
    async finish(): Promise<RawResponse> {
      client.socket.write(body);
      await client.closed;
      const response = parseRawResponse(Buffer.from(client.received, 'latin1'), true);
      assert.ok(response, `a whole response: ${client.received}`);
      return response;
    },
  };
}

async function sseConnection(threadId: string): Promise<ConnectionSummary | undefined> {
  const { body } = await control.get<{ items: ConnectionSummary[] }>('/connections?kind=sse');
  return body.items.find((item) => item.threadId === threadId);
}

test('a record written while a mount edit lands is kept in the collection served after it', async () => {
  assert.equal((await control.post('/collections', { id: 'notes', path: '/notes' })).status, 201);
  const write = await requestWaitingForBody('POST', '/notes', JSON.stringify({ text: 'kept' }));
  const route = { id: 'added', path: '/added', responses: [{ id: 'ok', body: { json: {} } }] };
  assert.equal((await control.post('/routes', route)).status, 201);
  const response = await write.finish();
  assert.equal(response.status, 201, response.body);
  const record = JSON.parse(response.body) as { id: number; text: string };
  assert.equal(record.text, 'kept');
  const served = await fetch(`${server.url}/notes/${record.id}`);
  assert.equal(served.status, 200);
  assert.deepEqual(await served.json(), record);
  const { body } = await control.get<{ items: unknown[] }>('/collections/notes/records');
  assert.deepEqual(body.items, [record]);
});

test('a write to a collection deleted while its body arrives is refused, not acknowledged', async () => {
  assert.equal((await control.post('/collections', { id: 'drafts', path: '/drafts' })).status, 201);
  const write = await requestWaitingForBody('POST', '/drafts', JSON.stringify({ text: 'lost?' }));
  assert.equal((await control.delete('/collections/drafts')).status, 204);
  const response = await write.finish();
  assert.equal(response.status, 404, response.body);
});

test('a run posted while its agent changes plays on the agent as it is now', async () => {
  const agent = (await control.get<{ id: string; name: string }>('/agents/agent')).body;
  const run = await requestWaitingForBody('POST', '/agent', JSON.stringify(runInput('long wait please')), {
    Accept: 'text/event-stream',
  });
  assert.equal((await control.put('/agents/agent', { ...agent, name: `${agent.name} (edited)` })).status, 200);
  const finished = run.finish();
  // Playing on the agent as edited: the next edit ends its stream, as it ends every stream of the agent.
  await eventually(
    async () =>
      (await control.get<{ items: ConnectionSummary[] }>('/connections?kind=sse')).body.items.some(
        (item) => item.state === 'open' && item.activeRunId !== null,
      ),
    'the run to stream',
  );
  assert.equal((await control.put('/agents/agent', agent)).status, 200);
  const response = await finished;
  assert.equal(response.status, 200);
  const last = sseEvents(response.body).at(-1);
  assert.equal(last?.type, 'RUN_ERROR', response.body);
  assert.equal(last?.code, 'agent_changed');
});

test('a run posted to an agent deleted while its body arrives gets 404, not a stream on the agent gone', async () => {
  const agent = (await control.get<Record<string, unknown>>('/agents/agent')).body;
  const run = await requestWaitingForBody('POST', '/agent', JSON.stringify(runInput('hello')));
  assert.equal((await control.delete('/agents/agent')).status, 204);
  const response = await run.finish();
  assert.equal(response.status, 404, response.body);
  assert.equal((await control.post('/agents', agent)).status, 201);
});

test('a pipelined stream whose connection resets before its turn is closed, not left open', async () => {
  const client = await openTcp(port);
  const first = runInput('long wait first');
  const second = runInput('long wait second');
  const post = (input: object) => {
    const body = JSON.stringify(input);
    return `POST /agent HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };
  client.socket.write(post(first) + post(second));
  await eventually(async () => (await sseConnection(second.threadId))?.state === 'open', 'the second stream to open');
  client.socket.resetAndDestroy();
  for (const { threadId } of [first, second]) {
    await eventually(async () => (await sseConnection(threadId))?.state === 'closed', `stream ${threadId} to close`);
    const closed = await sseConnection(threadId);
    assert.equal(closed?.activeRunId, null, 'its run stopped');
  }
});

test('an event injected into a paused stream whose run has ended is not logged as sent', async () => {
  const input = runInput('hello then done');
  const response = fetch(`${server.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  }).then((answer) => answer.text());
  let id = '';
  await eventually(async () => {
    id = (await sseConnection(input.threadId))?.id ?? '';
    return id !== '';
  }, 'the stream to be listed');
  assert.equal((await control.patch(`/connections/${id}`, { paused: true })).status, 200);
  await eventually(async () => {
    const { body } = await control.get<ConnectionSummary>(`/connections/${id}`);
    return body.activeRunId === null && body.heldFrames > 0;
  }, 'the run to be over, its last frames held');
  const injected = await control.post(`/connections/${id}/events`, {
    events: [{ type: 'CUSTOM', name: 'console:after-the-end', value: 1 }],
    force: true,
  });
  assert.equal(injected.status, 200);
  assert.equal((await control.patch(`/connections/${id}`, { paused: false })).status, 200);
  const received = sseEvents(await response);
  assert.equal(received.at(-1)?.type, 'RUN_FINISHED');
  await eventually(
    async () => (await control.get<ConnectionSummary>(`/connections/${id}`)).body.state === 'closed',
    'the stream to close',
  );
  const { body: summary } = await control.get<ConnectionSummary>(`/connections/${id}`);
  assert.equal(summary.heldFramesDropped, 1);
  const { body: frames } = await control.get<{ items: FrameRecord[] }>(`/connections/${id}/frames?direction=out`);
  const logged = frames.items.map((frame) => JSON.parse(frame.text ?? '{}').type as string).reverse();
  assert.deepEqual(
    logged,
    received.map((event) => event.type),
    'the log shows what the client got',
  );
});

test('a pack write whose body arrives while the packs are switched lands in the pack serving after', async () => {
  const me = (await (await fetch(`${server.url}/users/me`)).json()) as { id: string };
  const preferences = async () => {
    const response = await fetch(`${server.url}/users/me/preferences?user_id=${me.id}`);
    return ((await response.json()) as { preferences: { theme: string } }).preferences;
  };
  const theme = (await preferences()).theme === 'dark' ? 'light' : 'dark';
  const write = await requestWaitingForBody('PUT', `/users/me/preferences?user_id=${me.id}`, JSON.stringify({ theme }));
  assert.equal((await control.put('/packs', { packs: [{ pack: 'agora-real' }] })).status, 200);
  const response = await write.finish();
  assert.equal(response.status, 200, response.body);
  assert.equal((await preferences()).theme, theme);
});

test('runs started after the packs are switched are recorded by the pack serving then', async () => {
  const threadId = `thread-${crypto.randomUUID()}`;
  const runOn = async (text: string) => {
    const response = await fetch(`${server.url}/agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(runInput(text, threadId)),
    });
    assert.equal(sseEvents(await response.text()).at(-1)?.type, 'RUN_FINISHED');
  };
  const socket = await AguiSocket.open(`${server.url.replace('http', 'ws')}/ws`);
  const recorded = async (sessionId: string) => {
    const response = await fetch(`${server.url}/sessions/${sessionId}/history`);
    if (response.status === 404) return [];
    const { history } = (await response.json()) as { history: { role: string; content: string }[] };
    return history.filter((entry) => entry.role === 'user').map((entry) => entry.content);
  };
  const askOnSocket = async (text: string, runs: number) => {
    socket.send({ ...runInput(text, 'socket-thread'), runId: `r${runs}` });
    await socket.waitForRuns(runs);
  };
  await runOn('hello then done: before');
  await askOnSocket('hello then done: before', 1);
  assert.equal((await control.put('/packs', { packs: [{ pack: 'agora-mock' }] })).status, 200);
  await runOn('hello then done: after');
  await askOnSocket('hello then done: after', 2);
  assert.deepEqual(await recorded('socket-thread'), ['hello then done: before', 'hello then done: after']);
  assert.deepEqual(await recorded(threadId), ['hello then done: before', 'hello then done: after']);
  await socket.close();
});

test('a request reaching an agent endpoint after it closed (the engine closing) is refused, never played', async () => {
  const endpoint = agentHttpEndpoint({ context: server.context, runObserver: () => ({}), scenarios: '*' });
  endpoint.close(SHUTTING_DOWN);
  // What the endpoint reads of a request before it would play it: no body to parse, and nothing else.
  const ctx = { request: { length: 0 }, get: () => '' } as unknown as Parameters<typeof endpoint.handle>[0];
  await assert.rejects(
    async () => endpoint.handle(ctx, async () => {}),
    (error: HttpError) => error.status === 503 && error.message === 'The mock server is shutting down',
  );
  assert.equal(server.context.registry.openCount, 0, 'no stream was opened');
});
