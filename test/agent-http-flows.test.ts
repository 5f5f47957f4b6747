import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AgentSubscriber, HttpAgent } from '@ag-ui/client';
import type { BaseEvent, Message, RunFinishedEvent } from '@ag-ui/core';
import { startTestEngine } from './helpers/engine';

// The four AGORA flows through the official client (HttpAgent → POST /agent, SSE), at speed 0: what the
// agent ends up with (messages, state, interrupts), with nothing rejected or warned about by the client.

const server = await startTestEngine();

const INSPECTION = 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854';

/** Runs one turn and returns what a UI would see; fails on any client warning or error. */
async function turn(agent: HttpAgent, text: string | undefined, resume?: { approved: boolean } | 'cancelled') {
  if (text !== undefined) agent.addMessage({ id: crypto.randomUUID(), role: 'user', content: text });
  const events: BaseEvent[] = [];
  const errors: unknown[] = [];
  let finished: RunFinishedEvent | undefined;
  const subscriber: AgentSubscriber = {
    onEvent: ({ event }) => {
      events.push(event);
    },
    onRunFinishedEvent: ({ event }) => {
      finished = event;
    },
    onRunFailed: ({ error }) => {
      errors.push(error);
    },
  };
  const complaints: unknown[][] = [];
  const { warn, error } = console;
  console.warn = (...args: unknown[]) => complaints.push(['warn', ...args]);
  console.error = (...args: unknown[]) => complaints.push(['error', ...args]);
  try {
    const interrupt = agent.pendingInterrupts[0];
    const result = await agent.runAgent(
      resume && interrupt
        ? {
            resume: [
              resume === 'cancelled'
                ? { interruptId: interrupt.id, status: 'cancelled' }
                : { interruptId: interrupt.id, status: 'resolved', payload: resume },
            ],
          }
        : {},
      subscriber,
    );
    assert.deepEqual(complaints, [], 'the client warned or logged an error');
    assert.deepEqual(errors, []);
    assert.ok(finished, 'the run finished');
    return { ...result, events, finished };
  } finally {
    console.warn = warn;
    console.error = error;
  }
}

const texts = (messages: Message[]) =>
  messages.filter((m) => m.role === 'assistant' && typeof m.content === 'string' && m.content).map((m) => m.content);
const toolNames = (messages: Message[]) =>
  messages.flatMap((m) => (m.role === 'assistant' ? (m.toolCalls ?? []).map((call) => call.function.name) : []));
const toolResult = (messages: Message[], name: string) => {
  const call = messages
    .flatMap((m) => (m.role === 'assistant' ? (m.toolCalls ?? []) : []))
    .find((c) => c.function.name === name);
  const result = messages.find((m) => m.role === 'tool' && m.toolCallId === call?.id);
  return result && JSON.parse(result.content as string);
};

test('inspection start: handoff to the history agent, company and history tools, the summary', async () => {
  const agent = new HttpAgent({ url: `${server.url}/agent` });
  const { newMessages, finished } = await turn(agent, INSPECTION);
  assert.equal(finished.outcome, undefined);
  assert.deepEqual(toolNames(newMessages), ['transfer_to_agent', 'get_company_info', 'get_inspection_history']);
  assert.equal(toolResult(newMessages, 'get_company_info').name, 'Restaurant Bella Rosa');
  const [answer] = texts(newMessages);
  assert.match(String(answer), /1 openstaande overtreding/);
  assert.deepEqual(agent.state, {
    threadId: agent.threadId,
    runId: finished.runId,
    currentAgent: 'history-agent',
    status: 'completed',
  });
  // AGORA's display name travels under metadata on HTTP (the client would strip an unknown top-level field).
  const start = (await turn(agent, INSPECTION)).events.find((e) => e.type === 'TOOL_CALL_START');
  assert.equal(start?.metadata?.toolDisplayName, 'Overdracht naar specialist');
});

test('finding: the regulation agent searches regulations, flags the repeat violation and suggests the report', async () => {
  const agent = new HttpAgent({ url: `${server.url}/agent` });
  const { newMessages } = await turn(agent, 'Ik zie rauwe vis op kamertemperatuur');
  assert.deepEqual(toolNames(newMessages), ['transfer_to_agent', 'search_regulations', 'check_repeat_violation']);
  assert.equal(toolResult(newMessages, 'check_repeat_violation').is_repeat, true);
  assert.match(String(texts(newMessages).at(-1)), /Genereer rapport/);
  assert.equal((agent.state as { currentAgent: string }).currentAgent, 'regulation-agent');
});

test('report: the run ends with an approval interrupt; resuming approved generates the report', async () => {
  const agent = new HttpAgent({ url: `${server.url}/agent` });
  const asked = await turn(agent, 'Genereer rapport');
  assert.equal(asked.finished.outcome?.type, 'interrupt');
  assert.equal(agent.pendingInterrupts.length, 1);
  const [interrupt] = agent.pendingInterrupts;
  assert.match(String(interrupt?.id), /^appr-/);
  assert.equal(interrupt?.reason, 'tool_approval');
  assert.equal(interrupt?.metadata?.toolName, 'generate_inspection_report');
  assert.equal(interrupt?.metadata?.riskLevel, 'high');
  assert.ok(interrupt?.responseSchema);
  assert.equal((agent.state as { currentAgent: string }).currentAgent, 'reporting-agent');

  const done = await turn(agent, undefined, { approved: true });
  assert.equal(done.finished.outcome, undefined);
  assert.deepEqual(agent.pendingInterrupts, []);
  assert.deepEqual(toolNames(done.newMessages), ['generate_inspection_report']);
  const report = toolResult(done.newMessages, 'generate_inspection_report');
  assert.match(report.report_id, /^INS-2024-[0-9A-F]{6}$/);
  assert.equal(report.download_urls.pdf, `${server.url}/mock_documents/report.pdf`);
  const answer = String(texts(done.newMessages).at(-1));
  assert.match(answer, /Rapport succesvol gegenereerd/);
  assert.ok(answer.includes(`(${server.url}/mock_documents/report.pdf)`));
  // The resumed run reopened the step it paused in and closed it: the stream the client verified was whole.
  const steps = done.events.filter((e) => e.type === 'STEP_STARTED' || e.type === 'STEP_FINISHED');
  assert.deepEqual(
    steps.map((e) => `${e.type}:${(e as { stepName?: string }).stepName}`),
    [
      'STEP_STARTED:executing_tools',
      'STEP_FINISHED:executing_tools',
      'STEP_STARTED:thinking',
      'STEP_FINISHED:thinking',
    ],
  );
  assert.deepEqual(agent.state, {
    threadId: agent.threadId,
    runId: done.finished.runId,
    currentAgent: 'reporting-agent',
    status: 'completed',
  });
});

test('report: resuming rejected (or cancelling the interrupt) generates no report', async () => {
  for (const answer of [{ approved: false }, 'cancelled'] as const) {
    const agent = new HttpAgent({ url: `${server.url}/agent` });
    await turn(agent, 'Genereer rapport');
    const done = await turn(agent, undefined, answer);
    assert.equal(done.finished.outcome, undefined);
    assert.deepEqual(agent.pendingInterrupts, []);
    assert.deepEqual(toolNames(done.newMessages), []);
    assert.match(String(texts(done.newMessages).at(-1)), /het rapport wordt \*\*niet\*\* gegenereerd/);
  }
});

test('general: a welcome first; once an inspection started on the thread, what can be done next', async () => {
  const agent = new HttpAgent({ url: `${server.url}/agent` });
  const welcome = await turn(agent, 'Hallo');
  assert.match(String(texts(welcome.newMessages).at(-1)), /^Welkom bij AGORA/);
  assert.equal((agent.state as { currentAgent: string }).currentAgent, 'general-agent');
  await turn(agent, INSPECTION);
  // The thread's conversation context survives between HTTP requests.
  const next = await turn(agent, 'Wat nu?');
  assert.match(String(texts(next.newMessages).at(-1)), /^Ik help u graag verder met de inspectie/);
  // Another thread has its own context.
  const other = new HttpAgent({ url: `${server.url}/agent` });
  assert.match(String(texts((await turn(other, 'Wat nu?')).newMessages).at(-1)), /^Welkom bij AGORA/);
});

test('runs become REST sessions of their thread, as on /ws', async () => {
  const agent = new HttpAgent({ url: `${server.url}/agent` });
  await turn(agent, INSPECTION);
  const response = await fetch(`${server.url}/sessions/${agent.threadId}/history?include_tools=true`);
  assert.equal(response.status, 200);
  const { history } = (await response.json()) as { history: { role: string; content: string; tool_name?: string }[] };
  assert.equal(history[0]?.role, 'user');
  assert.equal(history[0]?.content, INSPECTION);
  assert.ok(history.some((entry) => entry.role === 'tool_call' && entry.tool_name === 'get_company_info'));
  assert.match(String(history.at(-1)?.content), /1 openstaande overtreding/);
});
