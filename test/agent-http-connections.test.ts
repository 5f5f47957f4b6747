import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type IncomingMessage, Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { HttpAgent } from '@ag-ui/client';
import type { BaseEvent } from '@ag-ui/core';
import { ThreadConversations } from '../src/server/agents/thread-conversations';
import { cancelledToolContent } from '../src/server/scenarios/scenario-player';
import type { HistoryMessage } from '../src/shared/agora-model';
import type { ConnectionSummary, FrameRecord } from '../src/shared/connections';
import { HELLO_THEN_DONE, LONG_WAIT } from './helpers/agent-scenarios';
import { agoraData } from './helpers/agora';
import { assertVerified, type ReceivedEvent } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { collectedAll } from './helpers/garbage';
import { parseRawResponse } from './helpers/raw-http';
import { sseEvents } from './helpers/sse-events';
import { openTcp } from './helpers/tcp-client';
import { eventually } from './helpers/wait';

// HTTP runs as connections: listed (kind sse) and injectable while open, closed by the console, cancelled with
// their timers when the client goes away, kept alive with comments while they wait; threads kept within bounds.

const server = await startTestEngine({ settings: { speed: 1 }, agentHttp: { keepAliveMs: 40 } });
const control = controlClient(server);
server.context.scenarios.put(LONG_WAIT);

const timeouts = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

function runInput(text: string) {
  return {
    threadId: `thread-${crypto.randomUUID()}`,
    runId: crypto.randomUUID(),
    messages: [{ id: crypto.randomUUID(), role: 'user', content: text }],
  };
}

/** Opens a stream and reads it as text as it comes; `until` waits for a fragment. */
async function openStream(text: string) {
  const input = runInput(text);
  const abort = new AbortController();
  const response = await fetch(`${server.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(input),
    signal: abort.signal,
  });
  assert.equal(response.status, 200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let received = '';
  let done = false;
  const pump = (async () => {
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        received += decoder.decode(chunk.value, { stream: true });
      }
    } catch {
      // Aborted by the test.
    }
    done = true;
  })();
  return {
    input,
    abort: () => abort.abort(),
    get text() {
      return received;
    },
    get ended() {
      return done;
    },
    finished: pump,
    until: (fragment: string) => eventually(() => received.includes(fragment), `stream to contain ${fragment}`),
  };
}

async function sseConnection(threadId: string): Promise<ConnectionSummary> {
  const { body } = await control.get<{ items: ConnectionSummary[] }>('/connections?kind=sse');
  const connection = body.items.find((item) => item.threadId === threadId);
  assert.ok(connection, `an sse connection for ${threadId}`);
  return connection;
}

test('an open stream is a connection of kind sse; an injected event reaches the official client', async () => {
  const agent = new HttpAgent({ url: `${server.url}/agent` });
  agent.addMessage({ id: 'u1', role: 'user', content: 'long wait please' });
  const events: BaseEvent[] = [];
  let injected: (() => void) | undefined;
  const reached = new Promise<void>((resolve) => {
    injected = resolve;
  });
  const run = agent.runAgent(
    {},
    {
      onEvent: ({ event }) => {
        events.push(event);
        if (event.type === 'CUSTOM') injected?.();
      },
    },
  );
  await eventually(() => events.some((event) => event.type === 'STEP_STARTED'), 'the run to start waiting');
  const connection = await sseConnection(agent.threadId);
  assert.equal(connection.kind, 'sse');
  assert.equal(connection.path, '/agent');
  assert.equal(connection.state, 'open');
  assert.ok(connection.activeRunId);
  // A stream plays the one run its request asked for; the console hears where a scenario can play instead.
  const scenarios = await control.get<{ items: { id: string }[] }>('/scenarios');
  const play = await control.post<{ detail: string }>(`/scenarios/${scenarios.body.items[0]?.id}/run`, {
    connectionId: connection.id,
  });
  assert.equal(play.status, 409);
  assert.match(
    play.body.detail,
    /is an SSE stream: it plays the one run its request asked for\. Play the scenario on a WebSocket/,
  );

  const sent = await control.post<{ sent: number; findings: unknown[] }>(`/connections/${connection.id}/events`, {
    events: [{ type: 'CUSTOM', name: 'console:note', value: { from: 'console' } }],
  });
  assert.equal(sent.status, 200);
  assert.deepEqual(sent.body.findings, []);
  await reached;
  assert.deepEqual(
    events.filter((event) => event.type === 'CUSTOM').map((event) => (event as { value?: unknown }).value),
    [{ from: 'console' }],
  );

  const frames = await control.get<{ items: FrameRecord[] }>(`/connections/${connection.id}/frames`);
  const kinds = frames.body.items.map((frame) => `${frame.direction}:${frame.eventType}`).reverse();
  assert.deepEqual(kinds.slice(0, 2), ['in:RunAgentInput', 'out:RUN_STARTED']);
  assert.ok(kinds.includes('out:CUSTOM'));
  agent.abortRun();
  await run;
  await eventually(async () => (await sseConnection(agent.threadId)).state === 'closed', 'the connection to close');
});

test("what a console opened in a run is closed before the run's RUN_FINISHED, here a cancelled run's", async () => {
  const stream = await openStream('long wait');
  await stream.until('"STEP_STARTED"');
  const connection = await sseConnection(stream.input.threadId);
  const opened = await control.post<{ findings: unknown[] }>(`/connections/${connection.id}/events`, {
    events: [{ type: 'TEXT_MESSAGE_START', messageId: 'console-message', role: 'assistant' }],
  });
  assert.deepEqual(opened.body.findings, []);
  await stream.until('console-message');
  // A new run on the thread cancels the waiting one.
  const next = await fetch(`${server.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ ...runInput('Hallo'), threadId: stream.input.threadId }),
  });
  await next.text();
  await stream.finished;
  const events = stream.text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => JSON.parse(frame.slice('data: '.length)) as ReceivedEvent);
  await assertVerified(events);
  assert.deepEqual(
    events.slice(-3).map((event) => `${event.type} ${event.messageId ?? event.stepName ?? ''}`),
    ['STEP_FINISHED waiting', 'TEXT_MESSAGE_END console-message', 'RUN_FINISHED '],
  );
});

test('a client abort mid-stream stops the run and its timers at once; the registry shows the connection closed', async () => {
  // Warm up: the thread store's sweep timer and the HTTP client's own timers exist before the baseline.
  const warm = await openStream('Hallo');
  await warm.finished;
  const baseline = timeouts();

  const stream = await openStream('long wait');
  await stream.until('"STEP_STARTED"');
  assert.ok(timeouts() > baseline, 'the waiting run holds a timer');
  const open = await sseConnection(stream.input.threadId);
  assert.equal(open.activeRunId, stream.input.runId);

  stream.abort();
  await eventually(
    async () => (await sseConnection(stream.input.threadId)).state === 'closed',
    'the connection to be closed',
  );
  const closed = await sseConnection(stream.input.threadId);
  assert.equal(closed.closeReason, 'client closed the stream');
  assert.equal(closed.activeRunId, null);
  await eventually(() => timeouts() <= baseline, 'the run timers to be cleared');
});

test('a client that half-closes after its request (HTTP/1.1 allows it) gets its whole run', async () => {
  server.context.scenarios.put(HELLO_THEN_DONE);
  const input = runInput('hello then done');
  const body = JSON.stringify(input);
  const client = await openTcp(server.port);
  // The request and the client's FIN together: it sends nothing more, and reads on.
  client.socket.end(
    `POST /agent HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  await client.closed;
  const response = parseRawResponse(Buffer.from(client.received, 'latin1'), true);
  const events = sseEvents<{ type: string; delta?: string }>(response?.body ?? '');
  assert.deepEqual(
    events.filter(({ type }) => type === 'TEXT_MESSAGE_CONTENT').map(({ delta }) => delta),
    ['Hello', 'Done'],
    'the text after the wait too',
  );
  assert.equal(events.at(-1)?.type, 'RUN_FINISHED');
  const closed = await sseConnection(input.threadId);
  assert.equal(closed.closeReason, 'stream ended', 'not "client closed the stream"');
});

test('the console closing a stream ends the response and stops its run', async () => {
  const warm = await openStream('Hallo');
  await warm.finished;
  const baseline = timeouts();
  const stream = await openStream('long wait');
  await stream.until('"STEP_STARTED"');
  const { id } = await sseConnection(stream.input.threadId);
  const closing = await control.post(`/connections/${id}/close`, { code: 1000, reason: 'closed from the console' });
  assert.equal(closing.status, 202);
  await stream.finished;
  assert.ok(stream.ended);
  const closed = await sseConnection(stream.input.threadId);
  assert.equal(closed.state, 'closed');
  assert.equal(closed.closeCode, 1000);
  assert.equal(closed.closeReason, 'closed from the console');
  await eventually(() => timeouts() <= baseline, 'the run timers to be cleared');
});

test('a new run on a thread cancels the one still streaming there cleanly, and ends its response', async () => {
  const first = await openStream('long wait');
  await first.until('"STEP_STARTED"');
  const second = await fetch(`${server.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...runInput('Hallo'), threadId: first.input.threadId }),
  });
  await first.finished;
  const tail = first.text.trimEnd().split('\n\n').slice(-2);
  assert.deepEqual(
    tail.map((frame) => JSON.parse(frame.slice('data: '.length))).map((e) => [e.type, e.stepName ?? e.outcome?.type]),
    [
      ['STEP_FINISHED', 'waiting'],
      ['RUN_FINISHED', 'cancelled'],
    ],
  );
  assert.match(await second.text(), /"RUN_FINISHED"/);
});

test('keep-alive comments flow while a run waits (SSE)', async () => {
  const stream = await openStream('long wait');
  await stream.until('"STEP_STARTED"');
  await stream.until(': keep-alive\n\n');
  // Comments sit between whole frames, never inside one.
  for (const block of stream.text.split('\n\n').filter(Boolean)) assert.match(block, /^(data: \{.*\}|: keep-alive)$/);
  stream.abort();
  await stream.finished;
});

/** The events of an SSE body, in order. */
const eventsOf = (body: string) => sseEvents<{ type: string; code?: string; message?: string }>(body);

test('closing the engine ends open streams with a RUN_ERROR saying so, not a response cut short', async () => {
  const other = await startTestEngine({ settings: { speed: 1 } });
  other.context.scenarios.put({
    id: 'long-wait',
    name: 'Long wait',
    triggers: [{ match: 'always' }],
    steps: [{ type: 'wait', ms: 60_000 }],
  });
  const response = await fetch(`${other.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(runInput('anything')),
  });
  // Rejects if the response is cut before its end.
  const body = response.text();
  await eventually(() => other.context.registry.openCount === 1, 'the stream to open');
  await other.close();
  const events = eventsOf(await body);
  assert.deepEqual(
    events.map(({ type, code }) => [type, code]),
    [
      ['RUN_STARTED', undefined],
      ['RUN_ERROR', 'server_shutdown'],
    ],
  );
  assert.equal(events[1]?.message, 'The mock server is shutting down');
  assert.equal(other.context.registry.openCount, 0);
});

/** A tool call whose arguments take a minute: a run stopped meanwhile leaves it open for its closing to answer. */
const slowToolCall = (id: string, trigger: string) => ({
  id,
  name: 'Slow tool call',
  triggers: [{ match: 'substring' as const, value: trigger }],
  steps: [
    {
      type: 'toolCall' as const,
      name: 'lookup',
      args: { query: 'x' },
      result: { found: true },
      argsDelayMs: 60_000,
    },
  ],
});

test('a run cut short by the engine closing is in the final save, its open tool call answered "server_shutdown"', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'agui-sse-shutdown-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'shop.agui.json');
  const other = await startTestEngine({ settings: { speed: 1 }, workspace: file });
  other.context.scenarios.put(slowToolCall('slow-tool', 'slow tool'));
  const input = runInput('slow tool');
  const response = await fetch(`${other.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  let received = '';
  const body = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of response.body as ReadableStream<Uint8Array>) received += decoder.decode(chunk);
    return received;
  })();
  await eventually(() => received.includes('"TOOL_CALL_ARGS"'), 'the tool call to begin');
  await other.close();
  assert.equal(eventsOf(await body).at(-1)?.code, 'server_shutdown');
  // The agora template's pack records the runs of its `/agent` mount as sessions.
  const saved = agoraData(JSON.parse(await readFile(file, 'utf8')));
  const session = saved.sessions.find((entry) => entry.metadata.sessionId === input.threadId);
  assert.ok(session, 'the run is recorded in the saved file');
  assert.deepEqual(
    session.history.map((message) => message.role),
    ['user', 'tool_call', 'tool'],
  );
  assert.equal(session.history[2]?.content, cancelledToolContent('server_shutdown'));
});

test('closing the engine sends what the console held back, then a RUN_ERROR only where the run was not over', async () => {
  const other = await startTestEngine({ settings: { speed: 1 } });
  const otherControl = controlClient(other);
  other.context.scenarios.put({
    id: 'hello-then-wait',
    name: 'Hello, then a long wait',
    triggers: [{ match: 'substring', value: 'hello then wait' }],
    steps: [
      { type: 'text', chunks: ['Hello'], chunkDelayMs: 0 },
      { type: 'wait', ms: 60_000 },
    ],
  });
  other.context.scenarios.put(HELLO_THEN_DONE);
  /** Opens a stream and pauses its delivery from the console once it is listed. */
  const openPaused = async (text: string) => {
    const input = runInput(text);
    const response = await fetch(`${other.url}/agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    const body = response.text();
    let id = '';
    await eventually(async () => {
      const { body: page } = await otherControl.get<{ items: ConnectionSummary[] }>('/connections?kind=sse');
      id = page.items.find((item) => item.threadId === input.threadId)?.id ?? '';
      return id !== '';
    }, 'the stream to be listed');
    assert.equal((await otherControl.patch(`/connections/${id}`, { paused: true })).status, 200);
    return { id, body };
  };
  const waiting = await openPaused('hello then wait');
  const done = await openPaused('hello then done');
  // The second run ends while paused: its last frames, RUN_FINISHED among them, are held.
  await eventually(async () => {
    const { body } = await otherControl.get<ConnectionSummary>(`/connections/${done.id}`);
    return body.activeRunId === null && body.heldFrames > 0;
  }, 'the run to be over, its last frames held');
  await other.close();

  const waitingEvents = eventsOf(await waiting.body);
  assert.ok(
    waitingEvents.some((event) => event.type === 'TEXT_MESSAGE_CONTENT'),
    'what was held went out before the RUN_ERROR',
  );
  assert.equal(waitingEvents.at(-1)?.code, 'server_shutdown');
  const doneEvents = eventsOf(await done.body);
  assert.equal(doneEvents.at(-1)?.type, 'RUN_FINISHED', JSON.stringify(doneEvents.map((event) => event.type)));
  assert.ok(!doneEvents.some((event) => event.type === 'RUN_ERROR'), 'no RUN_ERROR after a run that was over');
});

test('an agent changed while its streams are open ends them with a RUN_ERROR saying so', async () => {
  const stream = await openStream('long wait');
  await stream.until('"STEP_STARTED"');
  const agent = (await control.get<{ id: string; name: string }>('/agents/agent')).body;
  assert.equal((await control.put('/agents/agent', { ...agent, name: `${agent.name} (renamed)` })).status, 200);
  await stream.finished;
  const last = eventsOf(stream.text).at(-1);
  assert.equal(last?.type, 'RUN_ERROR');
  assert.equal(last?.code, 'agent_changed');
  const closed = await sseConnection(stream.input.threadId);
  assert.equal(closed.state, 'closed');
  assert.equal(closed.closeCode, 1001);
  // The agent answers again, as changed.
  await control.put('/agents/agent', agent);
});

test('a run ended because its agent changed records its open tool call as cancelled for that reason', async () => {
  server.context.scenarios.put(slowToolCall('slow-tool', 'slow tool'));
  const stream = await openStream('slow tool');
  await stream.until('"TOOL_CALL_ARGS"');
  const agent = (await control.get<{ id: string; name: string }>('/agents/agent')).body;
  assert.equal((await control.put('/agents/agent', { ...agent, name: `${agent.name} (renamed)` })).status, 200);
  await stream.finished;
  assert.equal(eventsOf(stream.text).at(-1)?.code, 'agent_changed');
  const response = await fetch(`${server.url}/sessions/${stream.input.threadId}/history?include_tools=true`);
  const { history } = (await response.json()) as { history: HistoryMessage[] };
  assert.equal(history.at(-1)?.content, cancelledToolContent('agent_changed'));
  await control.put('/agents/agent', agent);
  server.context.scenarios.delete('slow-tool');
});

test('threads are kept within bounds: least recently used idle ones go first, idle ones expire, busy ones stay', async () => {
  const closed: string[] = [];
  const state = (name: string, busy = false) => ({ busy, close: () => closed.push(name) });
  const threads = new ThreadConversations<ReturnType<typeof state>>({ maxThreads: 2, idleMs: 30 });
  const busy = threads.acquire('busy', () => state('busy', true));
  threads.acquire('a', () => state('a'));
  threads.acquire('busy', () => assert.fail('kept'));
  threads.acquire('b', () => state('b'));
  assert.deepEqual(closed, ['a']);
  assert.equal(threads.size, 2);
  await eventually(() => closed.includes('b'), 'the idle thread to expire');
  assert.deepEqual(closed, ['a', 'b']);
  assert.equal(threads.size, 1);
  assert.equal(
    threads.acquire('busy', () => assert.fail('kept')),
    busy,
  );
  threads.close();
  assert.deepEqual(closed, ['a', 'b', 'busy']);
  assert.equal(threads.size, 0);
});

test("the connection's incoming frame is the RunAgentInput as the client sent it, spacing and all", async () => {
  const input = runInput('Hallo, één vraag');
  // Pretty-printed: what a client sent, not the engine's re-serialisation of it.
  const body = JSON.stringify(input, null, 2);
  const response = await fetch(`${server.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body,
  });
  assert.ok((await response.text()).includes('RUN_FINISHED'));
  const connection = await sseConnection(input.threadId);
  const incoming = await control.get<{ items: FrameRecord[] }>(`/connections/${connection.id}/frames?direction=in`);
  assert.deepEqual(
    incoming.body.items.map((frame) => [frame.eventType, frame.text, frame.size]),
    [['RunAgentInput', body, Buffer.byteLength(body)]],
  );
});

test('a finished run stays listed with its frames, but lets its HTTP request and response go', async () => {
  // Every request and response the engine's HTTP server hands out, held weakly.
  const exchanges: WeakRef<IncomingMessage | ServerResponse>[] = [];
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
    if (event === 'request')
      exchanges.push(new WeakRef(args[0] as IncomingMessage), new WeakRef(args[1] as ServerResponse));
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;
  const input = runInput('Hallo');
  try {
    const response = await fetch(`${server.url}/agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(input),
    });
    assert.ok((await response.text()).includes('RUN_FINISHED'));
  } finally {
    Server.prototype.emit = emit;
  }
  const connection = await sseConnection(input.threadId);
  await eventually(() => server.context.registry.get(connection.id)?.isOpen === false, 'the stream to close');
  assert.equal(exchanges.length, 2, "the run's request and response were seen");
  await collectedAll(exchanges, 'the closed connection to let its request and response be collected');
  const frames = await control.get<{ items: FrameRecord[] }>(`/connections/${connection.id}/frames`);
  assert.ok(
    frames.body.items.some((frame) => frame.eventType === 'RUN_FINISHED'),
    'its frames are still there',
  );
});

test('the console closing a stream mid-message ends it with a RUN_ERROR giving its reason, not a stream cut off', async () => {
  server.context.scenarios.put({
    id: 'slow-text',
    name: 'Slow text',
    triggers: [{ match: 'substring', value: 'slow text' }],
    steps: [{ type: 'text', spoken: false, chunks: ['Hello', ' never sent'], chunkDelayMs: 60_000 }],
  });
  const stream = await openStream('slow text please');
  await stream.until('"TEXT_MESSAGE_CONTENT"');
  const { id } = await sseConnection(stream.input.threadId);
  const closing = await control.post(`/connections/${id}/close`, { code: 1000, reason: 'done' });
  assert.equal(closing.status, 202);
  await stream.finished;
  const events = eventsOf(stream.text);
  assert.deepEqual(
    events.slice(-2).map(({ type, code }) => [type, code]),
    [
      ['TEXT_MESSAGE_CONTENT', undefined],
      ['RUN_ERROR', 'console'],
    ],
  );
  assert.equal(events.at(-1)?.message, 'The mock console closed this connection: done');
  const closed = await sseConnection(stream.input.threadId);
  assert.equal(closed.state, 'closed');
  assert.equal(closed.closeCode, 1000);
  assert.equal(closed.closeReason, 'done');
  // The console's log shows the RUN_ERROR the client got, which the sequence tracker finds nothing wrong with.
  const frames = await control.get<{ items: FrameRecord[] }>(`/connections/${id}/frames?direction=out`);
  const [last] = frames.body.items;
  assert.equal(last?.eventType, 'RUN_ERROR');
  assert.equal(last?.finding, undefined);
});
