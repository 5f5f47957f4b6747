import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { EventSink } from '../src/server/agui/events';
import type { RunRequest } from '../src/server/agui/run-input';
import { runHistoryRecorder } from '../src/server/packs/agora/run-history-recorder';
import { Conversation } from '../src/server/scenarios/conversation';
import { ScenarioCatalogue } from '../src/server/scenarios/scenario-catalogue';
import { cancelledToolContent } from '../src/server/scenarios/scenario-player';
import { silentLogger } from '../src/server/support/logger';
import type { HistoryMessage } from '../src/shared/agora-model';
import type { ScenarioStep } from '../src/shared/scenario';
import { agoraData } from './helpers/agora';
import { AguiSocket, assertValidStream, outline, type ReceivedEvent } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { eventually } from './helpers/wait';

// Any run that is stopped — cancelled from the console, replaced by a new run (the HTTP binding), or stopped
// because its client went away — closes what it opened with valid events, including a TOOL_CALL_RESULT for
// every tool call it left unanswered, so no client shows a spinning tool card; a run whose client is gone sends
// nothing, but its recorded history still has a result for every tool call.

const server = await startTestEngine({ settings: { speed: 1 } });
const control = controlClient(server);

/** AGORA's handoff with a pause between ARGS and END long enough that a test is sure to stop it there. */
server.context.scenarios.put({
  id: 'slow-handoff',
  name: 'Slow handoff',
  triggers: [{ match: 'substring', value: 'slow handoff' }],
  steps: [
    { type: 'stateSnapshot', snapshot: { currentAgent: 'general-agent', status: 'processing' } },
    {
      type: 'step',
      name: 'executing_tools',
      steps: [
        {
          type: 'toolCall',
          name: 'transfer_to_agent',
          displayName: 'Overdracht naar specialist',
          args: { agent_id: 'history-agent' },
          result: { success: true },
          argsDelayMs: 60_000,
        },
      ],
    },
  ],
});

const timeouts = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

function assertEveryToolCallAnswered(events: readonly ReceivedEvent[]): void {
  for (const start of events.filter((event) => event.type === 'TOOL_CALL_START')) {
    const result = events.find((event) => event.type === 'TOOL_CALL_RESULT' && event.toolCallId === start.toolCallId);
    assert.ok(result, `${start.toolCallName} (${start.toolCallId}) has a TOOL_CALL_RESULT`);
    assert.equal(result.messageId, `tool-result-${start.toolCallId}`);
    assert.equal(result.role, 'tool');
    assert.equal(typeof result.content, 'string');
  }
}

/** Every recorded tool call is followed by its result. */
function assertHistoryWhole(history: readonly HistoryMessage[]): void {
  const calls = history.filter((message) => message.role === 'tool_call').map((message) => message.tool_call_id);
  const results = history.filter((message) => message.role === 'tool').map((message) => message.tool_call_id);
  assert.deepEqual(results, calls, 'one result per recorded tool call, in order');
}

async function history(threadId: string): Promise<HistoryMessage[]> {
  const response = await fetch(`${server.url}/sessions/${threadId}/history?include_tools=true`);
  assert.equal(response.status, 200);
  return ((await response.json()) as { history: HistoryMessage[] }).history;
}

/** POSTs a run to the HTTP binding and reads its SSE events as they come. */
async function postRun(threadId: string, text: string) {
  const abort = new AbortController();
  const response = await fetch(`${server.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      threadId,
      runId: randomUUID(),
      messages: [{ id: randomUUID(), role: 'user', content: text }],
    }),
    signal: abort.signal,
  });
  assert.equal(response.status, 200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text_ = '';
  const finished = (async () => {
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return;
        text_ += decoder.decode(chunk.value, { stream: true });
      }
    } catch {
      // Aborted by the test.
    }
  })();
  const events = (): ReceivedEvent[] =>
    text_
      .split('\n\n')
      .filter((frame) => frame.startsWith('data: '))
      .map((frame) => JSON.parse(frame.slice('data: '.length)));
  return { abort: () => abort.abort(), finished, events };
}

test('console cancel mid-tool-call on /ws: TOOL_CALL_END, a cancelled TOOL_CALL_RESULT, step closed, RUN_FINISHED', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask('slow handoff');
  await ws.waitFor((event) => event.type === 'TOOL_CALL_ARGS', 0, 30_000);
  const connection = server.context.registry.list().find((c) => c.activeRunId === ws.events[0]?.runId);
  assert.ok(connection);
  const played = await control.post<{ runId: string }>('/scenarios/agora-general/run', { connectionId: connection.id });
  assert.equal(played.status, 202);
  await ws.waitForRuns(2, 30_000);
  await assertValidStream(ws.events);
  assertEveryToolCallAnswered(ws.events);
  const args = ws.events.findIndex((event) => event.type === 'TOOL_CALL_ARGS');
  assert.deepEqual(outline(ws.events.slice(args + 1, args + 6)), [
    'TOOL_CALL_END',
    'TOOL_CALL_RESULT',
    'STEP_FINISHED executing_tools',
    'RUN_FINISHED',
    'RUN_STARTED',
  ]);
  const result = ws.events[args + 2] as ReceivedEvent;
  assert.equal(result.toolCallId, ws.events[args]?.toolCallId);
  assert.deepEqual(JSON.parse(result.content), {
    cancelled: true,
    reason: 'console',
    message: 'Cancelled from the mock console before this tool call finished',
  });
  assert.deepEqual(ws.events[args + 4]?.outcome, { type: 'cancelled' });
  assert.equal(ws.events[args + 5]?.runId, played.body.runId);
  await ws.close();
});

// Each on a thread of its own, waiting out real delays (speed 1): side by side.
describe('runs stopped mid-tool-call, each on its own thread', { concurrency: true }, () => {
  test('console cancel anywhere in the real inspection flow leaves no tool call without a result', async () => {
    const ws = await AguiSocket.open(server.wsUrl);
    ws.ask('Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854');
    // The handoff card, as HAI's user saw it spin.
    await ws.waitFor((event) => event.type === 'TOOL_CALL_START', 0, 30_000);
    const connection = server.context.registry.list().find((c) => c.activeRunId === ws.events[0]?.runId);
    assert.ok(connection);
    assert.equal((await control.post('/scenarios/agora-general/run', { connectionId: connection.id })).status, 202);
    await ws.waitForRuns(2, 30_000);
    await assertValidStream(ws.events);
    assertEveryToolCallAnswered(ws.events);
    await ws.close();
  });

  test('HTTP binding: a new run on the thread mid-tool-call closes the old stream with a cancelled result', async () => {
    const threadId = `thread-${randomUUID()}`;
    const first = await postRun(threadId, 'slow handoff');
    await eventually(() => first.events().some((event) => event.type === 'TOOL_CALL_ARGS'), 'the tool call args');
    const second = await postRun(threadId, 'Hallo');
    await first.finished;
    const events = first.events();
    await assertValidStream(events);
    assertEveryToolCallAnswered(events);
    assert.deepEqual(outline(events).slice(-4), [
      'TOOL_CALL_END',
      'TOOL_CALL_RESULT',
      'STEP_FINISHED executing_tools',
      'RUN_FINISHED',
    ]);
    assert.equal(JSON.parse(events.at(-3)?.content).reason, 'new_run');
    assert.deepEqual(events.at(-1)?.outcome, { type: 'cancelled' });
    await second.finished;
    await assertValidStream(second.events());
    assertHistoryWhole(await history(threadId));
  });

  test('HTTP binding: a client gone mid-tool-call stops its run; its recorded history has the cancelled result', async () => {
    const threadId = `thread-${randomUUID()}`;
    const run = await postRun(threadId, 'slow handoff');
    await eventually(() => run.events().some((event) => event.type === 'TOOL_CALL_ARGS'), 'the tool call args');
    run.abort();
    await run.finished;
    await eventually(async () => (await history(threadId)).length === 3, 'the stopped run to be recorded');
    const recorded = await history(threadId);
    assert.deepEqual(
      recorded.map((message) => message.role),
      ['user', 'tool_call', 'tool'],
    );
    assertHistoryWhole(recorded);
    assert.equal(recorded[2]?.content, cancelledToolContent('client_gone'));
  });
});

test('/ws: a client gone mid-tool-call records the tool call with its cancelled result', async () => {
  const threadId = `session_${randomUUID()}`;
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask('slow handoff', { threadId });
  await ws.waitFor((event) => event.type === 'TOOL_CALL_ARGS', 0, 30_000);
  await ws.close();
  await eventually(async () => (await history(threadId)).length === 3, 'the stopped run to be recorded');
  const recorded = await history(threadId);
  assertHistoryWhole(recorded);
  assert.equal(recorded[2]?.content, cancelledToolContent('client_gone'));
});

test('/ws: a run cut short by the engine closing ends with RUN_ERROR "server_shutdown", and is in the final save', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'agui-ws-shutdown-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'shop.agui.json');
  const other = await startTestEngine({ settings: { speed: 1 }, workspace: file });
  other.context.scenarios.put(server.context.scenarios.get('slow-handoff'));
  const threadId = `session_${randomUUID()}`;
  const ws = await AguiSocket.open(other.wsUrl);
  const idle = await AguiSocket.open(other.wsUrl);
  const closes = [ws, idle].map(closeOf);
  ws.ask('slow handoff', { threadId });
  await ws.waitFor((event) => event.type === 'TOOL_CALL_ARGS', 0, 30_000);
  await other.close();
  // The client is told why before the close frame, as an SSE stream is; a socket with no run gets the close only.
  assert.deepEqual(ws.events.at(-1), runErrorAt(ws.events, 'The mock server is shutting down', 'server_shutdown'));
  assert.deepEqual(await Promise.all(closes), [
    { code: 1001, reason: 'Server shutting down' },
    { code: 1001, reason: 'Server shutting down' },
  ]);
  assert.deepEqual(idle.events, []);
  // The agora template's pack records the runs of `/ws` as sessions.
  const saved = agoraData(JSON.parse(await readFile(file, 'utf8')));
  const session = saved.sessions.find((entry) => entry.metadata.sessionId === threadId);
  assert.ok(session, 'the run is recorded in the saved file');
  assertHistoryWhole(session.history);
  assert.equal(session.history.at(-1)?.content, cancelledToolContent('server_shutdown'));
});

test('/ws: the console closing a socket mid-run ends the run with a RUN_ERROR "console", then its close', async () => {
  const threadId = `session_${randomUUID()}`;
  const ws = await AguiSocket.open(server.wsUrl);
  const closed = closeOf(ws);
  ws.ask('slow handoff', { threadId });
  await ws.waitFor((event) => event.type === 'TOOL_CALL_ARGS', 0, 30_000);
  const connection = server.context.registry.list().find((c) => c.threadId === threadId);
  assert.ok(connection);
  const closing = await control.post(`/connections/${connection.id}/close`, { code: 4000, reason: 'enough' });
  assert.equal(closing.status, 202);
  assert.deepEqual(await closed, { code: 4000, reason: 'enough' });
  assert.deepEqual(
    ws.events.at(-1),
    runErrorAt(ws.events, 'The mock console closed this connection: enough', 'console'),
  );
  await assertValidStream(ws.events);
  await eventually(async () => (await history(threadId)).length === 3, 'the stopped run to be recorded');
  assert.equal((await history(threadId))[2]?.content, cancelledToolContent('console'));
});

/** The close code and reason `socket`'s client receives. */
function closeOf(socket: AguiSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    socket.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

/** The RUN_ERROR the engine ends a cut-short run with, at the timestamp it was received with. */
function runErrorAt(events: readonly ReceivedEvent[], message: string, code: string) {
  return { type: 'RUN_ERROR', message, code, timestamp: events.at(-1)?.timestamp };
}

// The player itself, without a transport: tool calls a scenario ended with scripted events but never answered.

function request(runId: string): RunRequest {
  return {
    threadId: 'thread-1',
    runId,
    userId: null,
    messages: [],
    lastUserMessage: 'go',
    state: undefined,
    resume: [],
    shape: 'agora',
    input: {},
  };
}

const scriptedToolCall: ScenarioStep[] = [
  {
    type: 'step',
    name: 'tools',
    steps: [
      { type: 'emit', event: { type: 'TOOL_CALL_START', toolCallId: 'ended', toolCallName: 'lookup' } },
      { type: 'emit', event: { type: 'TOOL_CALL_ARGS', toolCallId: 'ended', delta: '{}' } },
      { type: 'emit', event: { type: 'TOOL_CALL_END', toolCallId: 'ended' } },
      { type: 'emit', event: { type: 'TOOL_CALL_START', toolCallId: 'open', toolCallName: 'lookup' } },
      { type: 'text', chunks: ['thinking'], spoken: false, chunkDelayMs: 0 },
      { type: 'wait', ms: 60_000 },
    ],
  },
];

function conversationWith(steps: ScenarioStep[], events: ReceivedEvent[], recorded: HistoryMessage[]): Conversation {
  const sink: EventSink = ({ json }) => events.push(JSON.parse(json));
  return new Conversation({
    catalogue: new ScenarioCatalogue([{ id: 'x', name: 'x', triggers: [{ match: 'always' }], steps }]),
    sink,
    origin: 'http://example.test',
    speed: () => 1,
    approvalTimeoutMs: () => 0,
    observer: runHistoryRecorder(
      { recordRunStart: () => undefined, appendHistory: (_threadId, messages) => recorded.push(...messages) },
      silentLogger,
    ),
  });
}

/** Starts the scripted run and resolves once it waits on its timer (its text done, two tool calls unanswered). */
async function waiting(conversation: Conversation, events: readonly ReceivedEvent[]): Promise<number> {
  const before = timeouts();
  conversation.run(request('run-1'));
  await eventually(() => timeouts() === before + 1, 'the run to wait');
  assert.equal(events.at(-1)?.type, 'TEXT_MESSAGE_END');
  return before;
}

test('a cancelled run answers ended-but-unanswered tool calls too, after closing what is open', async () => {
  const events: ReceivedEvent[] = [];
  const conversation = conversationWith(scriptedToolCall, events, []);
  await waiting(conversation, events);
  const empty = new ScenarioCatalogue([{ id: 'y', name: 'y', triggers: [{ match: 'always' }], steps: [] }]);
  conversation.runNow(request('run-2'), empty.program('y') ?? assert.fail('no program'), 'new_run');
  await eventually(() => events.filter((event) => event.type === 'RUN_FINISHED').length === 2, 'both runs to end');
  const tail = events.slice(events.findIndex((event) => event.type === 'TEXT_MESSAGE_END') + 1);
  assert.deepEqual(
    tail.map((event) => [event.type, event.toolCallId ?? event.stepName ?? event.outcome?.type]),
    [
      ['TOOL_CALL_END', 'open'],
      ['TOOL_CALL_RESULT', 'open'],
      ['STEP_FINISHED', 'tools'],
      ['TOOL_CALL_RESULT', 'ended'],
      ['RUN_FINISHED', 'cancelled'],
      ['RUN_STARTED', undefined],
      ['RUN_FINISHED', undefined],
    ],
  );
  for (const result of tail.filter((event) => event.type === 'TOOL_CALL_RESULT')) {
    assert.equal(result.content, cancelledToolContent('new_run'));
  }
  await assertValidStream(events);
  conversation.close();
});

test('a closed conversation sends nothing more, yet its recorder sees every tool call answered', async () => {
  const events: ReceivedEvent[] = [];
  const recorded: HistoryMessage[] = [];
  const conversation = conversationWith(scriptedToolCall, events, recorded);
  const idle = await waiting(conversation, events);
  const sent = events.length;
  conversation.close();
  assert.equal(events.length, sent, 'nothing sent once the client is gone');
  assert.equal(timeouts(), idle, 'the run timer went with it');
  assert.deepEqual(
    recorded.map((message) => [message.role, 'tool_call_id' in message ? message.tool_call_id : message.content]),
    [
      ['tool_call', 'ended'],
      ['assistant', 'thinking'],
      ['tool_call', 'open'],
      ['tool', 'open'],
      ['tool', 'ended'],
    ],
  );
  for (const message of recorded.filter((entry) => entry.role === 'tool')) {
    assert.equal(message.content, cancelledToolContent('client_gone'));
  }
});

test('a run that finishes leaves a scripted, unanswered tool call pending for the client, as AG-UI allows', async () => {
  const events: ReceivedEvent[] = [];
  const conversation = conversationWith(
    [{ type: 'emit', event: { type: 'TOOL_CALL_START', toolCallId: 'client-tool', toolCallName: 'confirm' } }],
    events,
    [],
  );
  conversation.run(request('run-1'));
  await eventually(() => events.at(-1)?.type === 'RUN_FINISHED', 'the run to finish');
  assert.deepEqual(outline(events), ['RUN_STARTED', 'TOOL_CALL_START confirm', 'TOOL_CALL_END', 'RUN_FINISHED']);
  assert.equal(events.at(-1)?.outcome, undefined);
  await assertValidStream(events);
});
