import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { DEFAULT_MAX_QUEUED_RUNS } from '../src/server/scenarios/conversation';
import { AguiSocket, assertValidStream, type ReceivedEvent } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { eventually } from './helpers/wait';

// A message sent on AGORA's /ws while an answer streams (HAI does not lock its input, and its voice mode sends
// each sentence as soon as it is heard) is answered after that answer, in order, as AGORA's Python mock does.
// The messages are framed as HAI frames them: AGORA's RunAgentInput variant, without runId or message ids.
// Delays are real (speed 1), so the first run is really mid-stream when the next message arrives.

const server = await startTestEngine({ settings: { speed: 1 } });
const control = controlClient(server);
server.context.scenarios.put({
  id: 'slow-handoff',
  name: 'Slow handoff',
  triggers: [{ match: 'substring', value: 'slow handoff' }],
  steps: [
    {
      type: 'step',
      name: 'executing_tools',
      steps: [
        {
          type: 'toolCall',
          name: 'transfer_to_agent',
          args: { agent_id: 'history-agent' },
          result: { success: true },
          argsDelayMs: 60_000,
        },
      ],
    },
  ],
});

const INSPECTION = 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854';
const FINDING = 'Ik zie een geopende ton met rauwe vis op kamertemperatuur';

/** HAI's frame: a thread of its own, one user message, no runId, no message ids. */
function haiMessage(threadId: string, content: string) {
  return { threadId, messages: [{ role: 'user', content }] };
}

/** The events of each run, in order. */
function runs(events: readonly ReceivedEvent[]): ReceivedEvent[][] {
  const out: ReceivedEvent[][] = [];
  for (const event of events) {
    if (event.type === 'RUN_STARTED') out.push([]);
    if (event.type !== 'CUSTOM' || event.name !== 'agora:error') out.at(-1)?.push(event);
  }
  return out;
}

function answerText(events: readonly ReceivedEvent[]): string {
  return events
    .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT')
    .map((event) => event.delta)
    .join('');
}

function toolNames(events: readonly ReceivedEvent[]): string[] {
  return events.filter((event) => event.type === 'TOOL_CALL_START').map((event) => event.toolCallName);
}

function errors(events: readonly ReceivedEvent[]): ReceivedEvent[] {
  return events.filter((event) => event.type === 'CUSTOM' && event.name === 'agora:error');
}

/** No spinning tool card: every TOOL_CALL_START has its TOOL_CALL_RESULT, with AGORA's message id. */
function assertEveryToolCallAnswered(events: readonly ReceivedEvent[]): void {
  for (const start of events.filter((event) => event.type === 'TOOL_CALL_START')) {
    const result = events.find((event) => event.type === 'TOOL_CALL_RESULT' && event.toolCallId === start.toolCallId);
    assert.ok(result, `${start.toolCallName} (${start.toolCallId}) has a TOOL_CALL_RESULT`);
    assert.equal(result.messageId, `tool-result-${start.toolCallId}`);
    assert.equal(typeof result.content, 'string');
  }
}

const timeouts = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

async function history(threadId: string): Promise<{ role: string; content: string; tool_call_id?: string }[]> {
  const response = await fetch(`${server.url}/sessions/${threadId}/history?include_tools=true`);
  assert.equal(response.status, 200);
  return ((await response.json()) as { history: { role: string; content: string }[] }).history;
}

// Each on a thread and socket of its own, waiting out its runs' real delays: side by side.
describe('messages sent while an answer streams', { concurrency: true }, () => {
  test('a second message while the inspection answer streams is answered after it: both whole, every card done', async () => {
    const threadId = `session_${randomUUID()}`;
    const ws = await AguiSocket.open(server.wsUrl);
    ws.send(haiMessage(threadId, INSPECTION));
    // The handoff card is spinning: this is where HAI's user (or its voice mode) sends the next sentence.
    await ws.waitFor((event) => event.type === 'TOOL_CALL_START', 0, 30_000);
    ws.send(haiMessage(threadId, FINDING));
    await ws.waitForRuns(2, 30_000);
    await assertValidStream(ws.events);
    assert.deepEqual(errors(ws.events), []);

    const [first, second] = runs(ws.events) as [ReceivedEvent[], ReceivedEvent[]];
    for (const run of [first, second]) {
      assert.equal(run.at(-1)?.type, 'RUN_FINISHED');
      assert.equal(run.at(-1)?.outcome, undefined, 'each run completed: nothing was cancelled');
    }
    assert.deepEqual(toolNames(first), ['transfer_to_agent', 'get_company_info', 'get_inspection_history']);
    assert.match(answerText(first), /1 openstaande overtreding/);
    assert.deepEqual(toolNames(second), ['transfer_to_agent', 'search_regulations', 'check_repeat_violation']);
    assert.match(answerText(second), /ERNSTIGE OVERTREDING/);
    assertEveryToolCallAnswered(ws.events);

    // The session records the turns in the order they were answered.
    const roles = (await history(threadId)).map((message) => message.role);
    assert.deepEqual(roles, [
      'user',
      ...['tool_call', 'tool', 'tool_call', 'tool', 'tool_call', 'tool'],
      'assistant',
      'user',
      ...['tool_call', 'tool', 'tool_call', 'tool', 'tool_call', 'tool'],
      'assistant',
    ]);
    await ws.close();
  });

  test("voice mode's sentences sent during an answer are each answered, in the order they were sent", async () => {
    const threadId = `session_${randomUUID()}`;
    const ws = await AguiSocket.open(server.wsUrl);
    ws.send(haiMessage(threadId, INSPECTION));
    await ws.waitFor((event) => event.type === 'TOOL_CALL_START', 0, 30_000);
    ws.send(haiMessage(threadId, 'Hallo.'));
    ws.send(haiMessage(threadId, FINDING));
    ws.send(haiMessage(threadId, 'Dank je.'));
    await ws.waitForRuns(4, 60_000);
    await assertValidStream(ws.events);
    assert.deepEqual(errors(ws.events), []);
    const answered = runs(ws.events);
    assert.equal(answered.length, 4);
    assert.match(answerText(answered[0] ?? []), /Restaurant Bella Rosa/);
    assert.match(answerText(answered[1] ?? []), /Ik help u graag verder met de inspectie/);
    assert.match(answerText(answered[2] ?? []), /ERNSTIGE OVERTREDING/);
    assert.match(answerText(answered[3] ?? []), /Ik help u graag verder met de inspectie/);
    assert.equal(ws.events.filter((event) => event.outcome?.type === 'cancelled').length, 0);
    assertEveryToolCallAnswered(ws.events);
    await ws.close();
  });

  test('past the queue limit a message is refused with agora:error naming the limit; the running run goes on', async () => {
    // No delays here: the run waits for its approval however fast it plays.
    const instant = await startTestEngine();
    const threadId = `session_${randomUUID()}`;
    const ws = await AguiSocket.open(instant.wsUrl);
    ws.send(haiMessage(threadId, 'Genereer rapport'));
    const request = await ws.waitForCustom('agora:tool_approval_request', 0, 30_000);
    for (let i = 1; i <= DEFAULT_MAX_QUEUED_RUNS + 1; i++) ws.send(haiMessage(threadId, `Hallo ${i}`));
    const error = await ws.waitForCustom('agora:error', 0, 30_000);
    assert.equal(error.value.errorCode, 'run_queue_full');
    assert.match(error.value.message, new RegExp(`\\b${DEFAULT_MAX_QUEUED_RUNS} messages already wait`));
    assert.equal(error.value.details.limit, DEFAULT_MAX_QUEUED_RUNS);
    assert.equal(error.value.details.activeRunId, ws.events[0]?.runId);

    // The refused message did not disturb the run waiting for its approval: the answer still goes to it.
    const at = ws.events.length;
    ws.approve(request.value.approvalId, true);
    await ws.waitForRuns(1 + DEFAULT_MAX_QUEUED_RUNS, 60_000);
    await assertValidStream(ws.events);
    assert.equal(errors(ws.events).length, 1, 'only the message past the limit was refused');
    const answered = runs(ws.events);
    assert.equal(answered.length, 1 + DEFAULT_MAX_QUEUED_RUNS);
    assert.ok(toolNames(answered[0] ?? []).includes('generate_inspection_report'), 'the approved report was made');
    assert.equal(answered[0]?.at(-1)?.outcome, undefined);
    assert.ok(ws.events.indexOf(answered[1]?.[0] as ReceivedEvent) > at, 'the queued messages waited for the report');
    assertEveryToolCallAnswered(ws.events);
    await ws.close();
  });

  test('the console playing a scenario cancels the current run; queued messages are answered after its run', async () => {
    const threadId = `session_${randomUUID()}`;
    const ws = await AguiSocket.open(server.wsUrl);
    ws.send(haiMessage(threadId, 'slow handoff'));
    await ws.waitFor((event) => event.type === 'TOOL_CALL_ARGS', 0, 30_000);
    ws.send(haiMessage(threadId, 'Hallo'));
    const connection = server.context.registry.list().find((c) => c.activeRunId === ws.events[0]?.runId);
    assert.ok(connection);
    // The queued message is in the connection's frame log once the server read it: only then run the scenario.
    await eventually(() => connection.counters.framesIn === 2, 'the second message to arrive');
    const played = await control.post<{ runId: string }>('/scenarios/agora-general/run', {
      connectionId: connection.id,
    });
    assert.equal(played.status, 202);
    await ws.waitForRuns(3, 30_000);
    await assertValidStream(ws.events);
    const [stopped, consoleRun, queued] = runs(ws.events) as [ReceivedEvent[], ReceivedEvent[], ReceivedEvent[]];
    assert.deepEqual(stopped.at(-1)?.outcome, { type: 'cancelled' });
    const result = stopped.find((event) => event.type === 'TOOL_CALL_RESULT');
    assert.equal(JSON.parse(result?.content).reason, 'console');
    assert.equal(consoleRun[0]?.runId, played.body.runId);
    assert.equal(consoleRun.at(-1)?.outcome, undefined);
    assert.match(answerText(queued), /Welkom bij AGORA/);
    assert.equal(queued.at(-1)?.outcome, undefined);
    assertEveryToolCallAnswered(ws.events);
    await ws.close();
  });
});

// Alone, after the others: it counts the process's timers.
test('a socket closed mid-run with messages queued: the queue is dropped, no timer is left, history is whole', async () => {
  const idle = timeouts();
  const threadId = `session_${randomUUID()}`;
  const ws = await AguiSocket.open(server.wsUrl);
  ws.send(haiMessage(threadId, 'slow handoff'));
  await ws.waitFor((event) => event.type === 'TOOL_CALL_ARGS', 0, 30_000);
  ws.send(haiMessage(threadId, 'Hallo'));
  ws.send(haiMessage(threadId, INSPECTION));
  const connection = server.context.registry.list().find((c) => c.activeRunId === ws.events[0]?.runId);
  assert.ok(connection, 'the connection shows its active run');
  assert.ok(timeouts() > idle, 'the run holds a timer while it plays');
  await ws.close();
  await eventually(() => connection.state === 'closed' && timeouts() === idle, 'the run timer to be cleared');
  assert.equal(connection.activeRunId, null);

  // The stopped run's history is whole (its tool call has a result saying why), and nothing queued was answered.
  const recorded = await history(threadId);
  assert.deepEqual(
    recorded.map((message) => message.role),
    ['user', 'tool_call', 'tool'],
  );
  assert.equal(recorded[0]?.content, 'slow handoff');
  assert.equal(recorded[2]?.tool_call_id, recorded[1]?.tool_call_id);
  assert.deepEqual(JSON.parse(recorded[2]?.content ?? ''), {
    cancelled: true,
    reason: 'client_gone',
    message: 'Cancelled: the client disconnected before this tool call finished',
  });
  assert.equal(timeouts(), idle, 'no queued run started after the close');
});
