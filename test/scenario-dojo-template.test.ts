import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { HttpAgent } from '@ag-ui/client';
import { type BaseEvent, type Message, PROTOCOL_VERSION } from '@ag-ui/core';
import { WorkspaceError } from '../src/server/workspace/workspace-error';
import { createWorkspaceFile, readWorkspaceFile } from '../src/server/workspace/workspace-file';
import { startTestEngine } from './helpers/engine';
import { workspaceDir } from './helpers/workspace-files';

// The `dojo` template against the reference server (ag-ui integrations/server-starter-all-features): each of the
// seven endpoints, event by event, as that server sends them. Ids are fresh on both sides, so they are compared
// by where they recur (the same id in the same places); timestamps are this engine's own addition.

const server = await startTestEngine({ template: 'dojo' });

type Wire = Record<string, unknown> & { type: string };

/** POSTs a RunAgentInput and reads the SSE stream, as the reference's clients do. */
async function post(path: string, messages: Record<string, unknown>[], state: unknown = {}) {
  const input = {
    threadId: `thread-${crypto.randomUUID()}`,
    runId: `run-${crypto.randomUUID()}`,
    messages,
    state,
    tools: [],
    context: [],
    forwardedProps: {},
  };
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(input),
  });
  assert.equal(response.status, 200);
  const events = (await response.text())
    .split('\n\n')
    .filter((frame) => frame.startsWith('data:'))
    .map((frame) => JSON.parse(frame.slice(5)) as Wire);
  return { input, events };
}

const ID_KEYS = new Set(['messageId', 'toolCallId', 'id', 'parentMessageId']);

/** Ids replaced by `#1`, `#2`… in order of first appearance; timestamps dropped. */
function normalise(events: Wire[]): unknown[] {
  const ids = new Map<string, string>();
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!value || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'timestamp') continue;
      if (ID_KEYS.has(key) && typeof inner === 'string') {
        if (!ids.has(inner)) ids.set(inner, `#${ids.size + 1}`);
        out[key] = ids.get(inner);
      } else out[key] = walk(inner);
    }
    return out;
  };
  return events.map(walk);
}

const user = (content: string) => ({ id: `user-${crypto.randomUUID()}`, role: 'user', content });

/** The reference's frame around every run. */
function run(input: { threadId: string; runId: string }, body: unknown[]): unknown[] {
  const { threadId, runId } = input;
  return [
    { type: 'RUN_STARTED', threadId, runId, protocolVersion: PROTOCOL_VERSION },
    ...body,
    { type: 'RUN_FINISHED', threadId, runId },
  ];
}

/** A whole assistant text message, as the reference sends it: START, one CONTENT per delta, END. */
const text = (id: string, ...deltas: string[]) => [
  { type: 'TEXT_MESSAGE_START', messageId: id, role: 'assistant' },
  ...deltas.map((delta) => ({ type: 'TEXT_MESSAGE_CONTENT', messageId: id, delta })),
  { type: 'TEXT_MESSAGE_END', messageId: id },
];

const toolCall = (id: string, name: string, ...deltas: string[]) => [
  { type: 'TOOL_CALL_START', toolCallId: id, toolCallName: name },
  ...deltas.map((delta) => ({ type: 'TOOL_CALL_ARGS', toolCallId: id, delta })),
  { type: 'TOOL_CALL_END', toolCallId: id },
];

async function expectRun(path: string, messages: Record<string, unknown>[], body: unknown[]) {
  const { input, events } = await post(path, messages);
  assert.deepEqual(normalise(events), run(input, body), `${path} after ${JSON.stringify(messages.at(-1))}`);
  return events;
}

test('/agentic_chat: countdown, frontend tool, its result, backend tool as a snapshot', async () => {
  const countdown = ['counting down: ', ...Array.from({ length: 10 }, (_, i) => `${10 - i}  `), '✓'];
  await expectRun('/agentic_chat', [user('hello')], text('#1', ...countdown));
  await expectRun(
    '/agentic_chat',
    [user('tool')],
    toolCall('#1', 'change_background', '{"background":"linear-gradient(135deg, #667eea 0%, #764ba2 100%)"}'),
  );
  await expectRun(
    '/agentic_chat',
    [user('tool'), { id: 'result', role: 'tool', toolCallId: 'call-1', content: 'done' }],
    text('#1', 'background changed ✓'),
  );
  const first = user('backend_tool');
  const events = await expectRun(
    '/agentic_chat',
    [first],
    [
      {
        type: 'MESSAGES_SNAPSHOT',
        messages: [
          { id: '#1', role: 'user', content: 'backend_tool' },
          {
            id: '#2',
            role: 'assistant',
            toolCalls: [
              {
                id: '#3',
                type: 'function',
                function: { name: 'lookup_weather', arguments: '{"city": "San Francisco", "weather": "sunny"}' },
              },
            ],
          },
          { id: '#4', role: 'tool', content: 'The weather in San Francisco is sunny.', toolCallId: '#3' },
        ],
      },
    ],
  );
  assert.equal(
    (events[1]?.messages as { id: string }[] | undefined)?.[0]?.id,
    first.id,
    'the request’s messages come first',
  );
});

test('/backend_tool_rendering: get_weather and its result as a snapshot; then the text after a tool result', async () => {
  await expectRun(
    '/backend_tool_rendering',
    [user('weather in SF?')],
    [
      {
        type: 'MESSAGES_SNAPSHOT',
        messages: [
          { id: '#1', role: 'user', content: 'weather in SF?' },
          {
            id: '#2',
            role: 'assistant',
            toolCalls: [
              { id: '#3', type: 'function', function: { name: 'get_weather', arguments: '{"city": "San Francisco"}' } },
            ],
          },
          {
            id: '#4',
            role: 'tool',
            content:
              '{"city": "San Francisco", "conditions": "sunny", "wind_speed": "10", "temperature": "20", "humidity": "60"}',
            toolCallId: '#3',
          },
        ],
      },
    ],
  );
  await expectRun(
    '/backend_tool_rendering',
    [{ id: 'result', role: 'tool', toolCallId: 'call-1', content: '{}' }],
    text('#1', 'Retrieved weather information!'),
  );
});

test('/human_in_the_loop: task steps streamed as arguments; "Ok! I\'m working on it." after the answer', async () => {
  const steps = Array.from(
    { length: 10 },
    (_, i) => `{"description": "Step ${i + 1}", "status": "enabled"}${i < 9 ? ',' : ''}`,
  );
  await expectRun(
    '/human_in_the_loop',
    [user('plan a trip')],
    toolCall('#1', 'generate_task_steps', '{"steps":[', ...steps, ']}'),
  );
  await expectRun(
    '/human_in_the_loop',
    [{ id: 'result', role: 'tool', toolCallId: 'call-1', content: 'ok' }],
    text('#1', "Ok! I'm working on it."),
  );
});

test('/agentic_generative_ui: ten pending steps, a delta completing each, the final snapshot', async () => {
  const steps = (done: number) =>
    Array.from({ length: 10 }, (_, i) => ({
      description: `Step ${i + 1}`,
      status: i < done ? 'completed' : 'pending',
    }));
  await expectRun(
    '/agentic_generative_ui',
    [user('go')],
    [
      { type: 'STATE_SNAPSHOT', snapshot: { steps: steps(0) } },
      ...Array.from({ length: 10 }, (_, i) => ({
        type: 'STATE_DELTA',
        delta: [{ op: 'replace', path: `/steps/${i}/status`, value: 'completed' }],
      })),
      { type: 'STATE_SNAPSHOT', snapshot: { steps: steps(10) } },
    ],
  );
});

test('/tool_based_generative_ui: the haiku, then "Haiku created" for thanks — two turns through HttpAgent', async () => {
  const agent = new HttpAgent({ url: `${server.url}/tool_based_generative_ui` });
  agent.addMessage({ id: 'u1', role: 'user', content: 'a haiku please' });
  await agent.runAgent();
  const call = agent.messages.find((m) => m.role === 'assistant' && m.toolCalls?.length) as Message & {
    toolCalls: { id: string; function: { name: string; arguments: string } }[];
  };
  assert.equal(call.toolCalls[0]?.function.name, 'generate_haiku');
  // As the reference's json.dumps writes it: spaced, non-ASCII escaped.
  assert.equal(
    call.toolCalls[0]?.function.arguments,
    '{"japanese": ["\\u30a8\\u30fc\\u30a2\\u30a4\\u306e", "\\u6a4b\\u3064\\u306a\\u3050\\u9053", "\\u30b3\\u30d1\\u30ad\\u30c3\\u30c8"], ' +
      '"english": ["From AI\'s realm", "A bridge-road linking us\\u2014", "CopilotKit."]}',
  );
  assert.deepEqual(JSON.parse(call.toolCalls[0]?.function.arguments ?? ''), {
    japanese: ['エーアイの', '橋つなぐ道', 'コパキット'],
    english: ["From AI's realm", 'A bridge-road linking us—', 'CopilotKit.'],
  });
  assert.deepEqual(agent.messages.at(-1), {
    id: agent.messages.at(-1)?.id,
    role: 'tool',
    toolCallId: call.toolCalls[0]?.id,
    content: 'Haiku created',
  });
  agent.addMessage({ id: 'u2', role: 'user', content: 'thanks' });
  await agent.runAgent();
  assert.deepEqual(
    agent.messages.map((m) => [m.role, m.content ?? null]),
    [
      ['user', 'a haiku please'],
      ['assistant', null],
      ['tool', 'Haiku created'],
      ['user', 'thanks'],
      ['assistant', 'Haiku created'],
    ],
    'the first turn is kept in the second snapshot',
  );
});

test('/shared_state: the recipe as a snapshot, round trip through HttpAgent', async () => {
  const agent = new HttpAgent({ url: `${server.url}/shared_state`, initialState: { recipe: { title: 'mine' } } });
  agent.addMessage({ id: 'u1', role: 'user', content: 'improve the recipe' });
  const { events } = await post('/shared_state', [user('x')]);
  assert.deepEqual(
    normalise(events).map((event) => (event as Wire).type),
    ['RUN_STARTED', 'STATE_SNAPSHOT', 'RUN_FINISHED'],
  );
  await agent.runAgent();
  const recipe = (agent.state as { recipe: Record<string, unknown> }).recipe;
  assert.equal(recipe.skill_level, 'Advanced');
  assert.deepEqual(recipe.special_preferences, ['Low Carb', 'Spicy']);
  assert.equal((recipe.ingredients as unknown[]).length, 4);
  assert.equal((recipe.instructions as unknown[]).length, 3);
});

test('/predictive_state_updates: PredictState, the story word by word, confirm_changes; "Ok!" after', async () => {
  const { input, events } = await post('/predictive_state_updates', [user('write a story')]);
  const args = events.filter((event) => event.type === 'TOOL_CALL_ARGS').map((event) => event.delta as string);
  const dog = /named (\w+)\./.exec(args.join(''))?.[1] ?? '';
  assert.ok(['Rex', 'Buddy', 'Max', 'Charlie'].includes(dog), `a dog from the reference's list: ${dog}`);
  const story = `Once upon a time, there was a dog named ${dog}. ${dog} was a very good dog.`;
  assert.deepEqual(
    normalise(events),
    run(input, [
      {
        type: 'CUSTOM',
        name: 'PredictState',
        value: [{ state_key: 'document', tool: 'write_document_local', tool_argument: 'document' }],
      },
      ...toolCall('#1', 'write_document_local', '{"document":"', ...story.split(' ').map((w) => `${w} `), '"}'),
      ...toolCall('#2', 'confirm_changes', '{}'),
    ]),
  );
  await expectRun(
    '/predictive_state_updates',
    [{ id: 'result', role: 'tool', toolCallId: 'call-1', content: 'ok' }],
    text('#1', 'Ok!'),
  );
});

test('the reference’s pauses: 200 ms between task steps, on the engine’s own clock', async () => {
  const timed = await startTestEngine({ template: 'dojo', settings: { speed: 1 } });
  const response = await fetch(`${timed.url}/human_in_the_loop`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      threadId: 't',
      runId: 'r',
      messages: [user('go')],
      state: {},
      tools: [],
      context: [],
      forwardedProps: {},
    }),
  });
  const events = (await response.text())
    .split('\n\n')
    .filter((frame) => frame.startsWith('data:'))
    .map((frame) => JSON.parse(frame.slice(5)) as BaseEvent);
  const args = events.filter((event) => event.type === 'TOOL_CALL_ARGS').map((event) => event.timestamp ?? 0);
  assert.equal(args.length, 12);
  // After each of the ten steps a 200 ms pause (the engine keeps to its schedule: a late pause makes the next
  // one shorter), none after the opening piece.
  const paused = (args[11] ?? 0) - (args[1] ?? 0);
  assert.ok(paused >= 1990, `ten pauses of 200 ms: ${paused} ms`);
  assert.ok((args[1] ?? 0) - (args[0] ?? 0) < 150, 'no pause after the opening piece');
});

test('init --template dojo writes a file that validates; a broken scenario in a file is refused with every problem', async () => {
  const dir = await workspaceDir();
  const file = join(dir, 'dojo.agui.json');
  const created = await createWorkspaceFile(file, 'dojo');
  assert.deepEqual(
    created.agents.map((agent) => agent.path),
    [
      '/agentic_chat',
      '/backend_tool_rendering',
      '/human_in_the_loop',
      '/agentic_generative_ui',
      '/tool_based_generative_ui',
      '/shared_state',
      '/predictive_state_updates',
    ],
  );
  await readWorkspaceFile(file);

  const broken = JSON.parse(await readFile(file, 'utf8'));
  broken.scenarios.push({
    id: 'broken',
    name: 'broken',
    triggers: [],
    steps: [
      { type: 'stateSnapshot', snapshot: { count: 0 } },
      { type: 'stateDelta', delta: [{ op: 'remove', path: '/nothing' }] },
      { type: 'emit', event: { type: 'TOOL_CALL_END', toolCallId: 'never-started' } },
    ],
  });
  const brokenFile = join(dir, 'broken.agui.json');
  await writeFile(brokenFile, JSON.stringify(broken));
  await assert.rejects(readWorkspaceFile(brokenFile), (error: Error) => {
    assert.ok(error instanceof WorkspaceError);
    assert.match(error.message, /scenarios\.\d+\.steps\.1.*remove \/nothing/);
    assert.match(error.message, /\(and 1 more problem\)$/);
    const [other] = error.otherProblems;
    assert.match(`${other?.path}: ${other?.problem}`, /scenarios\.\d+\.steps\.2.*TOOL_CALL_END/);
    return true;
  });
});
