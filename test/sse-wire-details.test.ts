import assert from 'node:assert/strict';
import { type IncomingHttpHeaders, request } from 'node:http';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpAgent, parseProtoStream, runHttpRequest } from '@ag-ui/client';
import type { BaseEvent } from '@ag-ui/core';
import { AGUI_MEDIA_TYPE } from '@ag-ui/encoder';
import WebSocket from 'ws';
import { watchTraffic } from '../src/cli/terminal-output';
import type { ConnectionSummary, FrameRecord } from '../src/shared/connections';
import { AguiSocket, assertVerified, type ReceivedEvent } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { sseEvents } from './helpers/sse-events';
import { eventually } from './helpers/wait';

// Details of the HTTP binding's wire a client sees: a stopped run closes a subagent's items as that subagent's
// (the official client accepts the stream), keep-alive comments measure the silence, a protobuf run at speed 0
// has a content-length, SSE connections name their agent, and the serve log calls them SSE.

const KEEP_ALIVE_MS = 500;
const server = await startTestEngine({ settings: { speed: 1 }, agentHttp: { keepAliveMs: KEEP_ALIVE_MS } });
const control = controlClient(server);

server.context.scenarios.put({
  id: 'subagent-open',
  name: 'Subagent with open items',
  triggers: [{ match: 'substring', value: 'subagent open', priority: 99 }],
  steps: [
    { type: 'emit', event: { type: 'SUBAGENT_STARTED', subagentRunId: 'sa1', name: 'helper' } },
    { type: 'emit', event: { type: 'TEXT_MESSAGE_START', messageId: 'sm1', role: 'assistant', subagentRunId: 'sa1' } },
    { type: 'emit', event: { type: 'TEXT_MESSAGE_CONTENT', messageId: 'sm1', delta: 'hi', subagentRunId: 'sa1' } },
    { type: 'emit', event: { type: 'TOOL_CALL_START', toolCallId: 'stc', toolCallName: 'x', subagentRunId: 'sa1' } },
    { type: 'emit', event: { type: 'STEP_STARTED', stepName: 'sub-step', subagentRunId: 'sa1' } },
    { type: 'wait', ms: 1500 },
    { type: 'emit', event: { type: 'STEP_FINISHED', stepName: 'sub-step', subagentRunId: 'sa1' } },
    { type: 'emit', event: { type: 'TOOL_CALL_END', toolCallId: 'stc', subagentRunId: 'sa1' } },
    { type: 'emit', event: { type: 'TEXT_MESSAGE_END', messageId: 'sm1', subagentRunId: 'sa1' } },
    { type: 'emit', event: { type: 'SUBAGENT_FINISHED', subagentRunId: 'sa1' } },
  ],
});
server.context.scenarios.put({
  id: 'quick-reply',
  name: 'Quick reply',
  triggers: [{ match: 'substring', value: 'quick reply', priority: 99 }],
  steps: [{ type: 'text', chunks: ['Quick ', 'reply'], chunkDelayMs: 0 }],
});
server.context.scenarios.put({
  id: 'long-silence',
  name: 'Long silence',
  triggers: [{ match: 'substring', value: 'long silence', priority: 99 }],
  steps: [
    { type: 'text', chunks: ['start'], chunkDelayMs: 0 },
    { type: 'wait', ms: 3 * KEEP_ALIVE_MS },
    { type: 'text', chunks: ['end'], chunkDelayMs: 0 },
  ],
});
server.context.scenarios.put({
  id: 'steady-talk',
  name: 'Steady talk',
  triggers: [{ match: 'substring', value: 'steady talk', priority: 99 }],
  steps: [
    { type: 'text', chunks: ['a'], chunkDelayMs: 0 },
    { type: 'wait', ms: 0.6 * KEEP_ALIVE_MS },
    { type: 'text', chunks: ['b'], chunkDelayMs: 0 },
    { type: 'wait', ms: 0.6 * KEEP_ALIVE_MS },
    { type: 'text', chunks: ['c'], chunkDelayMs: 0 },
  ],
});

function runInput(text: string, threadId = `thread-${crypto.randomUUID()}`) {
  return {
    threadId,
    runId: crypto.randomUUID(),
    tools: [],
    context: [],
    messages: [{ id: crypto.randomUUID(), role: 'user', content: text }],
  };
}

/** Runs `text` with the official client on `path`, collecting the events it applied; throws as the client does. */
async function runWithHttpAgent(text: string, { path = '/agent', threadId = `thread-${crypto.randomUUID()}` } = {}) {
  const agent = new HttpAgent({ url: `${server.url}${path}`, threadId });
  agent.addMessage({ id: crypto.randomUUID(), role: 'user', content: text });
  const events: ReceivedEvent[] = [];
  await agent.runAgent({}, { onEvent: ({ event }) => void events.push(event as ReceivedEvent) });
  return events;
}

interface RawStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** Each chunk of the body as it arrived, with when (ms since the request was sent). */
  chunks: { at: number; text: string }[];
  body: Buffer;
}

/** POSTs a run with node:http and keeps the body's chunks with their arrival times and the raw headers. */
function postRaw(path: string, body: unknown, accept = 'text/event-stream'): Promise<RawStream> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const sent = performance.now();
    const outgoing = request(
      `${server.url}${path}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept, 'content-length': Buffer.byteLength(payload) },
      },
      (response) => {
        const chunks: { at: number; text: string }[] = [];
        const bytes: Buffer[] = [];
        response.on('data', (chunk: Buffer) => {
          chunks.push({ at: performance.now() - sent, text: chunk.toString() });
          bytes.push(chunk);
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            chunks,
            body: Buffer.concat(bytes),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** When each keep-alive comment arrived, and when the data frame before it did. */
function keepAlives(stream: RawStream): { at: number; afterData: number }[] {
  const found: { at: number; afterData: number }[] = [];
  let lastData = Number.NaN;
  for (const { at, text } of stream.chunks) {
    for (const block of text.split('\n\n').filter(Boolean)) {
      if (block === ': keep-alive') found.push({ at, afterData: at - lastData });
      else lastData = at;
    }
  }
  return found;
}

/** What a run stopped with the subagent's items open sends before its RUN_FINISHED: type and subagentRunId. */
const SUBAGENT_CLOSING = [
  ['STEP_FINISHED', 'sa1'],
  ['TOOL_CALL_END', 'sa1'],
  ['TOOL_CALL_RESULT', 'sa1'],
  ['TEXT_MESSAGE_END', 'sa1'],
  // Last: the subagent is finished after everything it opened is closed.
  ['SUBAGENT_FINISHED', 'sa1'],
];

test('a run stopped by a new run closes its subagent’s text, tool call and step as that subagent’s, then finishes it', async () => {
  const threadId = `thread-${crypto.randomUUID()}`;
  const first = runWithHttpAgent('subagent open', { threadId });
  await sleep(500);
  // The new run on the same thread cancels the first one.
  const second = await runWithHttpAgent('quick reply', { threadId });
  assert.equal(second.at(-1)?.type, 'RUN_FINISHED');
  // The official client would throw (S3: a subagent's step finished by the parent agent) before the fix.
  const events = await first;
  await assertVerified(events);

  const finished = events.at(-1);
  assert.equal(finished?.type, 'RUN_FINISHED');
  assert.deepEqual(finished?.outcome, { type: 'cancelled' });
  const closing = events.slice(events.findIndex((event) => event.type === 'STEP_STARTED') + 1, -1);
  assert.deepEqual(
    closing.map((event) => [event.type, event.subagentRunId]),
    SUBAGENT_CLOSING,
  );
  assert.equal(closing[0]?.stepName, 'sub-step');
  assert.equal(closing[2]?.toolCallId, 'stc');
  assert.match(String(closing[2]?.content), /"reason":"new_run"/);
  assert.equal(closing[3]?.messageId, 'sm1');

  // The engine's own tracker agrees: no frame of the stopped run's connection broke a rule.
  const listed = (await control.get<{ items: ConnectionSummary[] }>('/connections?kind=sse')).body.items;
  const stopped = listed.find(
    (connection) => connection.threadId === threadId && connection.counters.framesOut === events.length,
  );
  assert.ok(stopped, 'the stopped run’s connection is listed');
  const frames = (await control.get<{ items: FrameRecord[] }>(`/connections/${stopped.id}/frames?limit=1000`)).body;
  assert.deepEqual(
    frames.items.filter((frame) => frame.finding).map((frame) => [frame.eventType, frame.finding?.rule]),
    [],
  );
});

test('on an AG-UI socket that cancels a run for a new one, the stopped run closes its subagent’s items the same way', async () => {
  const socket = {
    id: 'cancelling',
    path: '/cancelling',
    behaviour: { type: 'agui', scenarios: '*', whileRunning: 'cancel' },
  };
  assert.equal((await control.post('/sockets', socket)).status, 201);
  after(() => control.delete('/sockets/cancelling'));
  const client = await AguiSocket.open(`${server.url.replace(/^http/, 'ws')}/cancelling`);
  try {
    client.send(runInput('subagent open', 'ws-thread'));
    await client.waitFor((event) => event.type === 'STEP_STARTED');
    client.send(runInput('quick reply', 'ws-thread'));
    await client.waitForRuns(2);
    await assertVerified(client.events);
    const first = client.events.slice(0, client.events.findIndex((event) => event.type === 'RUN_FINISHED') + 1);
    const closing = first.slice(first.findIndex((event) => event.type === 'STEP_STARTED') + 1, -1);
    assert.deepEqual(
      closing.map((event) => [event.type, event.subagentRunId]),
      SUBAGENT_CLOSING,
    );
  } finally {
    client.socket.close();
  }
});

test('an SSE keep-alive comment goes out once the stream has been silent for the keep-alive interval', async () => {
  const stream = await postRaw('/agent', runInput('long silence'));
  assert.equal(stream.status, 200);
  const comments = keepAlives(stream);
  assert.ok(comments.length > 0, 'a silence of 3 intervals gets keep-alives');
  const [first] = comments;
  // Measured from the last frame: one interval of silence (a timer's slack aside), not two.
  assert.ok(
    first && first.afterData >= KEEP_ALIVE_MS - 50 && first.afterData < 1.8 * KEEP_ALIVE_MS,
    `the first keep-alive came ${first?.afterData.toFixed(0)} ms after the last frame (interval ${KEEP_ALIVE_MS} ms)`,
  );
  assert.equal(sseEvents<BaseEvent>(stream.body.toString()).at(-1)?.type, 'RUN_FINISHED');

  // Frames closer together than the interval are silence enough for none.
  const steady = await postRaw('/agent', runInput('steady talk'));
  assert.deepEqual(keepAlives(steady), []);
});

test('protobuf at speed 0 is one write with a content-length, as SSE is', async () => {
  const settings = await control.patch('/server/settings', { speed: 0 });
  assert.equal(settings.status, 200);
  try {
    for (const accept of ['text/event-stream', AGUI_MEDIA_TYPE]) {
      const stream = await postRaw('/agent', runInput('quick reply'), accept);
      assert.equal(stream.status, 200, accept);
      assert.equal(stream.headers['content-type'], accept);
      assert.equal(stream.headers['transfer-encoding'], undefined, accept);
      assert.equal(stream.headers['content-length'], String(stream.body.length), accept);
    }
    // And the official parser reads that body to a whole run.
    const events = await new Promise<BaseEvent[]>((resolve, reject) => {
      const received: BaseEvent[] = [];
      const post = () =>
        fetch(`${server.url}/agent`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: AGUI_MEDIA_TYPE },
          body: JSON.stringify(runInput('quick reply')),
        });
      parseProtoStream(runHttpRequest(post)).subscribe({
        next: (event) => received.push(event),
        error: reject,
        complete: () => resolve(received),
      });
    });
    await assertVerified(events as ReceivedEvent[]);
    assert.equal(events.at(-1)?.type, 'RUN_FINISHED');
  } finally {
    await control.patch('/server/settings', { speed: 1 });
  }
});

test('SSE connections name the agent they came in through, as WebSocket connections name their endpoint', async () => {
  const added = await control.post('/agents', { id: 'mine', name: 'Mine', path: '/mine', scenarios: '*' });
  assert.equal(added.status, 201);
  after(() => control.delete('/agents/mine'));
  const builtIn = (await control.get<{ id: string; name?: string }>('/agents/agent')).body;

  const onAgent = `thread-${crypto.randomUUID()}`;
  const onMine = `thread-${crypto.randomUUID()}`;
  await runWithHttpAgent('quick reply', { threadId: onAgent });
  await runWithHttpAgent('quick reply', { path: '/mine', threadId: onMine });

  const listed = (await control.get<{ items: ConnectionSummary[] }>('/connections?kind=sse')).body.items;
  const mountOf = (threadId: string) => listed.find((connection) => connection.threadId === threadId)?.mount;
  assert.deepEqual(mountOf(onAgent), {
    kind: 'agent',
    id: 'agent',
    ...(builtIn.name !== undefined && { name: builtIn.name }),
  });
  assert.deepEqual(mountOf(onMine), { kind: 'agent', id: 'mine', name: 'Mine' });
});

test('the serve log calls an SSE stream sse, and a WebSocket ws', async () => {
  const added = await control.post('/agents', { id: 'logged', path: '/logged', scenarios: '*' });
  assert.equal(added.status, 201);
  after(() => control.delete('/agents/logged'));

  const lines: string[] = [];
  const write = process.stdout.write;
  // Only the traffic log's lines (each starts with the time) are kept; anything else goes to stdout as it would.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = chunk.toString();
    if (/^\d\d:\d\d:\d\d\.\d{3} /.test(text)) {
      lines.push(text);
      return true;
    }
    return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  const stop = watchTraffic(server);
  try {
    await runWithHttpAgent('quick reply', { path: '/logged' });
    await eventually(() => lines.some((line) => / close \/logged /.test(line)), 'the stream’s close line');
    assert.ok(
      lines.some((line) => / sse open {2}\/logged from /.test(line)),
      lines.join(''),
    );
    assert.match(
      lines.find((line) => line.includes('close /logged')) ?? '',
      / sse close \/logged in \d+ \/ out \d+ frames/,
    );
    assert.ok(!lines.some((line) => / ws (open|close) +\/logged/.test(line)), lines.join(''));

    // WebSocket lines stay as they were.
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    await eventually(() => lines.some((line) => / ws open {2}\/ws from /.test(line)), 'the WebSocket open line');
    socket.close();
    await eventually(() => lines.some((line) => / ws close \/ws /.test(line)), 'the WebSocket close line');
  } finally {
    stop();
    process.stdout.write = write;
  }
});
