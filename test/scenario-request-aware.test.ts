import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AgentSubscriber, HttpAgent } from '@ag-ui/client';
import type { BaseEvent, Message } from '@ag-ui/core';
import type { ScenarioInput } from '../src/shared/scenario';
import { AguiSocket, assertValidStream, type ReceivedEvent } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// Triggers and steps that read the request, through the official client (HttpAgent: every stream passes its
// verifyEvents) against a real engine with one agent and user scenarios.

const server = await startTestEngine({ template: 'blank' });
const control = controlClient(server);

async function put(scenario: ScenarioInput) {
  const response = await control.put(`/scenarios/${scenario.id}`, scenario);
  assert.ok(response.status === 200 || response.status === 201, JSON.stringify(response.body));
}

assert.equal((await control.post('/agents', { id: 'chat', path: '/chat', scenarios: '*' })).status, 201);

/** One run of `agent` (after adding `text` as a user message); fails on any client warning or error. */
async function run(agent: HttpAgent, text?: string, forwardedProps?: Record<string, unknown>) {
  if (text !== undefined) agent.addMessage({ id: crypto.randomUUID(), role: 'user', content: text });
  const events: BaseEvent[] = [];
  const errors: unknown[] = [];
  const subscriber: AgentSubscriber = {
    onEvent: ({ event }) => {
      events.push(event);
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
    const result = await agent.runAgent(forwardedProps ? { forwardedProps } : {}, subscriber);
    assert.deepEqual(complaints, [], 'the client warned or logged an error');
    assert.deepEqual(errors, []);
    return { ...result, events, types: events.map((event) => event.type) };
  } finally {
    console.warn = warn;
    console.error = error;
  }
}

const lastText = (messages: Message[]) =>
  messages.filter((m) => m.role === 'assistant' && typeof m.content === 'string' && m.content).at(-1)?.content;

const say = (id: string, triggers: ScenarioInput['triggers'], text: string, priority?: number): ScenarioInput => ({
  id,
  name: id,
  triggers: priority === undefined ? triggers : triggers.map((trigger) => Object.assign({}, trigger, { priority })),
  steps: [{ type: 'text', chunks: [text], spoken: false }],
});

test('RUN_STARTED declares the protocol version; triggers on the last message: exact, substring, pattern', async () => {
  await put(say('exact', [{ match: 'lastMessage', role: 'user', exact: 'Hello', caseSensitive: true }], 'exact'));
  await put(say('substring', [{ match: 'lastMessage', role: 'user', substring: 'weather' }], 'substring'));
  await put(say('pattern', [{ match: 'lastMessage', pattern: '^count \\d+$' }], 'pattern: {{lastMessage.content}}'));
  await put(say('fallback', [{ match: 'always', priority: -10 }], 'fallback'));
  const agent = new HttpAgent({ url: `${server.url}/chat` });
  const first = await run(agent, 'Hello');
  const started = first.events[0] as BaseEvent & { protocolVersion?: string };
  assert.equal(started.type, 'RUN_STARTED');
  assert.match(String(started.protocolVersion), /^\d+\.\d+/);
  assert.equal(lastText(first.newMessages), 'exact');
  assert.equal(lastText((await run(agent, 'hello')).newMessages), 'fallback', 'exact is case-sensitive here');
  assert.equal(lastText((await run(agent, 'How is the WEATHER?')).newMessages), 'substring');
  assert.equal(lastText((await run(agent, 'count 42')).newMessages), 'pattern: count 42');
  assert.equal(lastText((await run(agent, 'count forty')).newMessages), 'fallback');
});

test('a frontend tool call: START/ARGS in chunks/END and no result; the next run carries it and triggers on it', async () => {
  await put({
    id: 'background',
    name: 'background',
    triggers: [{ match: 'lastMessage', role: 'user', substring: 'background' }],
    steps: [
      {
        type: 'frontendToolCall',
        id: 'call',
        name: 'change_background',
        argsChunks: ['{"background":', '"blue"}'],
        chunkDelayMs: 20,
      },
    ],
  });
  await put({
    id: 'background-done',
    name: 'background done',
    triggers: [{ match: 'toolResult', toolName: 'change_background', priority: 5 }],
    steps: [{ type: 'text', chunks: ['Background changed: {{lastMessage.content}}'], spoken: false }],
  });
  await put(say('by-role', [{ match: 'lastMessage', role: 'tool', substring: 'other' }], 'another tool answered', 4));
  const agent = new HttpAgent({ url: `${server.url}/chat` });
  const first = await run(agent, 'change the background');
  assert.deepEqual(first.types, [
    'RUN_STARTED',
    'TOOL_CALL_START',
    'TOOL_CALL_ARGS',
    'TOOL_CALL_ARGS',
    'TOOL_CALL_END',
    'RUN_FINISHED',
  ]);
  const call = agent.messages.at(-1);
  assert.ok(call?.role === 'assistant' && call.toolCalls?.[0]);
  assert.equal(call.toolCalls[0].function.name, 'change_background');
  assert.deepEqual(JSON.parse(call.toolCalls[0].function.arguments), { background: 'blue' });
  // The delay between the chunks shows on the engine's own clock.
  const [a, b] = first.events.filter((event) => event.type === 'TOOL_CALL_ARGS');
  assert.ok((b?.timestamp ?? 0) >= (a?.timestamp ?? 0), 'chunks in order');

  agent.addMessage({ id: crypto.randomUUID(), role: 'tool', toolCallId: call.toolCalls[0].id, content: 'blue' });
  assert.equal(lastText((await run(agent)).newMessages), 'Background changed: blue');
  agent.addMessage({ id: crypto.randomUUID(), role: 'tool', toolCallId: 'unknown-call', content: 'other' });
  assert.equal(lastText((await run(agent)).newMessages), 'another tool answered');
});

test('jsonPath, firstRun and context conditions; branches on the request', async () => {
  await put(say('shout', [{ match: 'jsonPath', path: '$.forwardedProps.mode', equals: 'shout' }], 'LOUD', 20));
  await put(say('welcome', [{ match: 'firstRun' }], 'welcome, first run', 15));
  await put({
    id: 'remember',
    name: 'remember',
    triggers: [{ match: 'lastMessage', substring: 'remember', priority: 10 }],
    steps: [{ type: 'setContext', values: { remembered: '{{lastMessage.content}}' } }],
  });
  await put(
    say('recall', [{ match: 'context', key: 'remembered', priority: 9 }], 'I remember: {{context.remembered}}'),
  );
  await put({
    id: 'tools-branch',
    name: 'tools branch',
    triggers: [{ match: 'lastMessage', substring: 'which tools', priority: 30 }],
    steps: [
      {
        type: 'branch',
        when: { match: 'jsonPath', path: '$.tools[*].name', equals: 'search' },
        steps: [{ type: 'text', chunks: ['you have search'], spoken: false }],
        otherwise: [{ type: 'text', chunks: ['no search'], spoken: false }],
      },
    ],
  });
  const agent = new HttpAgent({ url: `${server.url}/chat` });
  assert.equal(lastText((await run(agent, 'hi')).newMessages), 'welcome, first run');
  assert.equal(lastText((await run(agent, 'hi again')).newMessages), 'fallback');
  assert.equal(lastText((await run(agent, 'hi', { mode: 'shout' })).newMessages), 'LOUD');
  await run(agent, 'remember the milk');
  assert.equal(lastText((await run(agent, 'what now?')).newMessages), 'I remember: remember the milk');
  assert.equal(lastText((await run(agent, 'which tools?')).newMessages), 'no search');
  const withTools = new HttpAgent({ url: `${server.url}/chat` });
  withTools.addMessage({ id: crypto.randomUUID(), role: 'user', content: 'which tools?' });
  const result = await withTools.runAgent({
    tools: [{ name: 'search', description: 'Search', parameters: { type: 'object', properties: {} } }],
  });
  assert.equal(lastText(result.newMessages), 'you have search');
});

test('messages snapshot with the request’s messages; JSON-valued placeholders; custom, reasoning, activity', async () => {
  await put({
    id: 'snapshot',
    name: 'snapshot',
    triggers: [{ match: 'lastMessage', substring: 'snapshot', priority: 40 }],
    steps: [
      { type: 'reasoning', chunks: ['Thinking', ' hard'] },
      { type: 'custom', name: 'PredictState', value: [{ state_key: 'doc', tool: 'write', tool_argument: 'text' }] },
      { type: 'activitySnapshot', id: 'plan', activityType: 'plan', content: { steps: ['a'] } },
      {
        type: 'activityDelta',
        messageId: '{{steps.plan.messageId}}',
        activityType: 'plan',
        patch: [{ op: 'add', path: '/steps/-', value: 'b' }],
      },
      // AG-UI's CUSTOM needs a value: a step without one sends null.
      { type: 'custom', name: 'bare' },
      {
        type: 'custom',
        name: 'echo',
        value: { messages: '{{input.messages}}', text: 'runs: {{input.messages.length}}' },
      },
      {
        type: 'messagesSnapshot',
        messages: [{ id: 'answer-{{runId}}', role: 'assistant', content: 'Snapshot answer' }],
      },
    ],
  });
  const agent = new HttpAgent({ url: `${server.url}/chat` });
  await run(agent, 'first message');
  const { events, types } = await run(agent, 'snapshot please');
  for (const type of [
    'REASONING_START',
    'REASONING_MESSAGE_START',
    'REASONING_MESSAGE_CONTENT',
    'REASONING_MESSAGE_END',
    'REASONING_END',
    'ACTIVITY_SNAPSHOT',
    'ACTIVITY_DELTA',
    'MESSAGES_SNAPSHOT',
  ])
    assert.ok(types.includes(type as BaseEvent['type']), `${type} sent`);
  const bare = events.find((event) => event.type === 'CUSTOM' && (event as { name?: string }).name === 'bare');
  assert.deepEqual((bare as { value?: unknown } | undefined)?.value, null);
  const echo = events.find((event) => event.type === 'CUSTOM' && (event as { name?: string }).name === 'echo') as
    | (BaseEvent & { value: { messages: Message[]; text: string } })
    | undefined;
  assert.ok(Array.isArray(echo?.value.messages), 'a whole-value placeholder keeps its JSON type');
  assert.equal(echo.value.messages.length, 3);
  assert.equal(echo.value.text, 'runs: 3', 'inside a longer string, as text');
  const snapshot = events.find((event) => event.type === 'MESSAGES_SNAPSHOT') as BaseEvent & { messages: Message[] };
  assert.deepEqual(
    snapshot.messages.map((message) => message.content),
    ['first message', 'welcome, first run', 'snapshot please', 'Snapshot answer'],
    'the request’s messages, then the new one: the first turn is kept',
  );
  assert.equal(lastText(agent.messages), 'Snapshot answer');
});

test('STATE_DELTA is applied to the thread’s state across runs; one that does not apply is a RUN_ERROR naming the op', async () => {
  await put({
    id: 'counter-init',
    name: 'counter init',
    triggers: [{ match: 'lastMessage', exact: 'start counting', priority: 50 }],
    steps: [{ type: 'stateSnapshot', snapshot: { count: 0, items: [] } }],
  });
  await put({
    id: 'counter-add',
    name: 'counter add',
    triggers: [{ match: 'lastMessage', exact: 'add', priority: 50 }],
    steps: [
      { type: 'stateDelta', delta: [{ op: 'add', path: '/items/-', value: '{{runId}}' }] },
      { type: 'stateDelta', delta: [{ op: 'replace', path: '/count', value: '{{state.items.length}}' }] },
    ],
  });
  await put({
    id: 'counter-bad',
    name: 'counter bad',
    triggers: [{ match: 'lastMessage', exact: 'break', priority: 50 }],
    steps: [{ type: 'stateDelta', delta: [{ op: 'replace', path: '/missing/deep', value: 1 }] }],
  });
  const agent = new HttpAgent({ url: `${server.url}/chat` });
  await run(agent, 'start counting');
  assert.deepEqual(agent.state, { count: 0, items: [] });
  await run(agent, 'add');
  await run(agent, 'add');
  assert.equal((agent.state as { items: string[] }).items.length, 2);
  assert.equal((agent.state as { count: unknown }).count, 2);

  // Raw SSE: a request without state, and a failing delta the client would reject itself.
  const rawRun = async (content: string, state?: unknown) => {
    const response = await fetch(`${server.url}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        threadId: agent.threadId,
        runId: crypto.randomUUID(),
        messages: [{ id: crypto.randomUUID(), role: 'user', content }],
        ...(state !== undefined && { state }),
        tools: [],
        context: [],
        forwardedProps: {},
      }),
    });
    return (await response.text())
      .split('\n\n')
      .filter((frame) => frame.startsWith('data:'))
      .map((frame) => JSON.parse(frame.slice(5)) as { type: string; message?: string; delta?: unknown });
  };
  // Without state in the request, the delta applies to the state the thread's last run left.
  const stateless = await rawRun('add');
  assert.deepEqual(
    stateless.map((event) => event.type),
    ['RUN_STARTED', 'STATE_DELTA', 'STATE_DELTA', 'RUN_FINISHED'],
  );
  assert.deepEqual(
    (stateless[2]?.delta as { value: unknown }[] | undefined)?.[0]?.value,
    3,
    'the third item, counted by the engine',
  );

  const events = await rawRun('break', agent.state);
  assert.deepEqual(
    events.map((event) => event.type),
    ['RUN_STARTED', 'RUN_ERROR'],
  );
  assert.match(String(events[1]?.message), /operation 0 \(replace \/missing\/deep\)/);
});

test('a scenario that would send an invalid stream is refused when stored, with every problem listed', async () => {
  const response = await control.put<{ detail: { loc: (string | number)[]; msg: string }[] }>('/scenarios/broken', {
    id: 'broken',
    name: 'broken',
    triggers: [{ match: 'lastMessage', pattern: '(' }],
    steps: [
      { type: 'stateSnapshot', snapshot: { count: 0 } },
      { type: 'stateDelta', delta: [{ op: 'remove', path: '/nothing' }] },
      { type: 'emit', event: { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm', delta: 'orphan' } },
      { type: 'emit', event: { type: 'TOOL_CALL_END', toolCallId: 'never-started' } },
    ],
  });
  assert.equal(response.status, 422, JSON.stringify(response.body));
  const problems = response.body.detail.map((problem) => `${problem.loc.join('.')}: ${problem.msg}`).join('\n');
  assert.match(problems, /triggers\.0\.pattern/);
  assert.equal((await control.get('/scenarios/broken')).status, 404);

  // Without the bad regex, the dry run reports every step that breaks the stream.
  const dry = await control.put<{ detail: { loc: (string | number)[]; msg: string }[] }>('/scenarios/broken', {
    id: 'broken',
    name: 'broken',
    triggers: [],
    steps: [
      { type: 'stateSnapshot', snapshot: { count: 0 } },
      { type: 'stateDelta', delta: [{ op: 'remove', path: '/nothing' }] },
      { type: 'emit', event: { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm', delta: 'orphan' } },
    ],
  });
  assert.equal(dry.status, 422, JSON.stringify(dry.body));
  const listed = dry.body.detail.map((problem) => `${problem.loc.join('.')}: ${problem.msg}`).join('\n');
  assert.match(listed, /steps\.1.*remove \/nothing/);
  assert.match(listed, /steps\.2.*TEXT_MESSAGE_CONTENT/);
});

const confirmScenario: ScenarioInput = {
  id: 'confirm-order',
  name: 'confirm order',
  triggers: [{ match: 'lastMessage', substring: 'order', priority: 60 }],
  steps: [
    { type: 'text', chunks: ['Ordering.'], spoken: false },
    {
      type: 'interrupt',
      id: 'ask',
      reason: 'confirmation',
      message: 'Order {{lastMessage.content}}?',
      responseSchema: { type: 'object', properties: { quantity: { type: 'integer' } } },
      resolved: [{ type: 'text', chunks: ['Ordered {{steps.ask.payload.quantity}}.'], spoken: false }],
      cancelled: [{ type: 'text', chunks: ['Not ordered.'], spoken: false }],
    },
  ],
};

test('interrupts with their own reason, message and response schema, over HTTP (HttpAgent) and /ws', async () => {
  await put(confirmScenario);
  const agent = new HttpAgent({ url: `${server.url}/chat` });
  const paused = await run(agent, 'order pizza');
  const finished = paused.events.at(-1) as BaseEvent & {
    outcome?: { type: string; interrupts: Record<string, unknown>[] };
  };
  assert.equal(finished.outcome?.type, 'interrupt');
  const interrupt = finished.outcome.interrupts[0];
  assert.equal(interrupt?.reason, 'confirmation');
  assert.equal(interrupt?.message, 'Order order pizza?');
  assert.deepEqual(interrupt?.responseSchema, { type: 'object', properties: { quantity: { type: 'integer' } } });
  const resumed = await agent.runAgent({
    resume: [{ interruptId: String(interrupt?.id), status: 'resolved', payload: { quantity: 3 } }],
  });
  assert.equal(lastText(resumed.newMessages), 'Ordered 3.');

  // The same scenario on an AG-UI WebSocket endpoint: the run ends at the interrupt; the next run resumes it.
  assert.equal(
    (
      await control.post('/sockets', {
        id: 'ws',
        path: '/ws',
        behaviour: { type: 'agui', scenarios: '*', whileRunning: 'queue' },
      })
    ).status,
    201,
  );
  const socket = await AguiSocket.open(`${server.url.replace('http', 'ws')}/ws`);
  try {
    const input = (runId: string, extra: Record<string, unknown> = {}) => ({
      threadId: 'ws-thread',
      runId,
      messages: [{ id: 'u1', role: 'user', content: 'order tea' }],
      state: {},
      tools: [],
      context: [],
      forwardedProps: {},
      ...extra,
    });
    socket.send(input('r1'));
    await socket.waitForRuns(1, 15_000);
    const end = socket.events.at(-1) as ReceivedEvent;
    assert.equal(end.outcome?.type, 'interrupt');
    const pending = end.outcome.interrupts[0];
    assert.equal(pending.reason, 'confirmation');
    assert.equal(pending.message, 'Order order tea?');
    socket.send(input('r2', { resume: [{ interruptId: pending.id, status: 'cancelled' }] }));
    await socket.waitForRuns(2, 15_000);
    await assertValidStream(socket.events);
    const texts = socket.events.filter((event) => event.type === 'TEXT_MESSAGE_CONTENT').map((event) => event.delta);
    assert.deepEqual(texts, ['Ordering.', 'Not ordered.']);
  } finally {
    await socket.close();
  }
});

test('random choice: branches are picked at random by weight (a near-zero weight in practice never)', async () => {
  await put({
    id: 'coin',
    name: 'coin',
    triggers: [{ match: 'lastMessage', exact: 'flip', priority: 60 }],
    steps: [
      {
        type: 'random',
        branches: [
          { weight: 1, steps: [{ type: 'text', chunks: ['heads'], spoken: false }] },
          { weight: 1, steps: [{ type: 'text', chunks: ['tails'], spoken: false }] },
          { weight: 0.000001, steps: [{ type: 'text', chunks: ['edge'], spoken: false }] },
        ],
      },
    ],
  });
  const seen = new Set<unknown>();
  const agent = new HttpAgent({ url: `${server.url}/chat` });
  for (let i = 0; i < 60 && seen.size < 2; i++) seen.add(lastText((await run(agent, 'flip')).newMessages));
  assert.deepEqual([...seen].sort(), ['heads', 'tails']);
});
