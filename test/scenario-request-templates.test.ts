import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScenarioInput, ScenarioStep } from '../src/shared/scenario';
import { assertValidStream, type ReceivedEvent } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { sseEvents } from './helpers/sse-events';

// A scenario is dry-run against one sample request when it is stored. Templates that read the request (its state,
// forwardedProps, …) give the sample's values there (null), not a real run's: such fields are checked when a run
// sends them, and only what fails whatever the request brings is refused when the scenario is stored.

const server = await startTestEngine({ template: 'blank' });
const control = controlClient(server);
assert.equal((await control.post('/agents', { id: 'chat', path: '/chat', scenarios: '*' })).status, 201);

function scenario(id: string, steps: unknown[]): ScenarioInput {
  return {
    id,
    name: id,
    triggers: [{ match: 'lastMessage', role: 'user', exact: id, caseSensitive: true }],
    steps: steps as ScenarioStep[],
  };
}

async function store(id: string, steps: unknown[]) {
  return control.post<{ detail?: { loc: unknown[]; msg: string }[] }>('/scenarios', scenario(id, steps));
}

/** One run of the agent over SSE: the user says `id` (the scenario's trigger), with `state` and `forwardedProps`. */
async function run(id: string, extra: { state?: unknown; forwardedProps?: unknown } = {}): Promise<ReceivedEvent[]> {
  const response = await fetch(`${server.url}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      threadId: `thread-${crypto.randomUUID()}`,
      runId: `run-${crypto.randomUUID()}`,
      messages: [{ id: crypto.randomUUID(), role: 'user', content: id }],
      tools: [],
      context: [],
      state: extra.state ?? {},
      forwardedProps: extra.forwardedProps ?? {},
    }),
  });
  assert.equal(response.status, 200);
  const events = sseEvents<ReceivedEvent>(await response.text());
  // Whatever the request brings, the stream is valid AG-UI (schemas and verifyEvents' sequence rules).
  await assertValidStream(events);
  return events;
}

const types = (events: readonly ReceivedEvent[]) => events.map((event) => event.type);

/** The documented forms: a template reading the request as a whole field keeps the value's JSON type. */
const FORMS: Record<string, unknown[]> = {
  'act-input-state': [{ type: 'activitySnapshot', activityType: 'plan', content: '{{input.state.plan}}' }],
  'act-state': [{ type: 'activitySnapshot', activityType: 'plan', content: '{{state.plan}}' }],
  'act-forwarded': [
    { type: 'activitySnapshot', id: 'p', activityType: 'plan', content: '{{input.forwardedProps.plan}}' },
    {
      type: 'activityDelta',
      messageId: '{{steps.p.messageId}}',
      activityType: 'plan',
      patch: [{ op: 'add', path: '/steps/-', value: '{{input.forwardedProps.next}}' }],
    },
  ],
  'act-default': [
    { type: 'activitySnapshot', activityType: 'plan', content: '{{default input.forwardedProps.plan "x"}}' },
  ],
  'emit-id': [
    {
      type: 'emit',
      event: { type: 'TEXT_MESSAGE_START', messageId: '{{input.forwardedProps.mid}}', role: 'assistant' },
    },
    { type: 'emit', event: { type: 'TEXT_MESSAGE_CONTENT', messageId: '{{input.forwardedProps.mid}}', delta: 'hi' } },
    { type: 'emit', event: { type: 'TEXT_MESSAGE_END', messageId: '{{input.forwardedProps.mid}}' } },
  ],
  'msgs-id': [
    {
      type: 'messagesSnapshot',
      messages: [{ id: '{{input.forwardedProps.mid}}', role: 'assistant', content: '{{input.forwardedProps.text}}' }],
    },
  ],
  'interrupt-reason': [{ type: 'interrupt', reason: '{{input.forwardedProps.reason}}', resolved: [] }],
  'delta-path': [
    { type: 'stateSnapshot', snapshot: { count: 0 } },
    { type: 'stateDelta', delta: [{ op: 'replace', path: '/{{input.forwardedProps.key}}', value: 1 }] },
  ],
};

test('store: forms whose values come from the request are stored; what fails for every request is refused', async () => {
  for (const [id, steps] of Object.entries(FORMS)) {
    const response = await store(id, steps);
    assert.equal(response.status, 201, `${id}: ${JSON.stringify(response.body)}`);
  }
  const refused = async (id: string, steps: unknown[], pattern: RegExp) => {
    const response = await store(id, steps);
    assert.equal(response.status, 422, `${id} is refused: ${JSON.stringify(response.body)}`);
    assert.match(String(response.body.detail?.[0]?.msg), pattern, id);
  };
  // A literal that is not valid AG-UI, and templates that make a wrong type whatever the request.
  await refused(
    'literal-id',
    [{ type: 'emit', event: { type: 'TEXT_MESSAGE_START', messageId: 5, role: 'assistant' } }],
    /not a valid AG-UI event at messageId/,
  );
  await refused(
    'constant-template',
    [
      { type: 'emit', event: { type: 'TEXT_MESSAGE_START', messageId: '{{add 1 2}}', role: 'assistant' } },
      { type: 'emit', event: { type: 'TEXT_MESSAGE_END', messageId: '{{add 1 2}}' } },
    ],
    /not a valid AG-UI event at messageId: .*expected string, received number/,
  );
  // The state the scenario set itself is known: `{{state.plan}}` is 5 in every run, not an object.
  await refused(
    'known-state',
    [
      { type: 'stateSnapshot', snapshot: { plan: 5 } },
      { type: 'activitySnapshot', activityType: 'plan', content: '{{state.plan}}' },
    ],
    /not a valid AG-UI event at content/,
  );
  // `{{json …}}` writes text: never an object, whatever the request; the refusal says what to write instead.
  await refused(
    'json-text',
    [{ type: 'activitySnapshot', activityType: 'plan', content: '{{json input.forwardedProps.plan}}' }],
    /at content: .*makes text here whatever the request.*exactly one placeholder/,
  );
  // A template that fails on the sample request's values: the refusal says that it is the sample's doing.
  await refused(
    'sample-failure',
    [{ type: 'text', chunks: ['{{randomInt 1 input.forwardedProps.max}}'], spoken: false }],
    /randomInt.*sample request.*default input\.forwardedProps/,
  );
});

test('run: with a request that gives the values, each form plays valid AG-UI carrying them', async () => {
  const plan = { steps: ['Search'] };
  const snapshot = (events: ReceivedEvent[]) => events.find((event) => event.type === 'ACTIVITY_SNAPSHOT');
  assert.deepEqual(snapshot(await run('act-input-state', { state: { plan } }))?.content, plan);
  assert.deepEqual(snapshot(await run('act-state', { state: { plan } }))?.content, plan);
  assert.deepEqual(snapshot(await run('act-default', { forwardedProps: { plan } }))?.content, plan);
  const forwarded = await run('act-forwarded', { forwardedProps: { plan, next: 'Summarise' } });
  assert.deepEqual(types(forwarded), ['RUN_STARTED', 'ACTIVITY_SNAPSHOT', 'ACTIVITY_DELTA', 'RUN_FINISHED']);
  assert.deepEqual(snapshot(forwarded)?.content, plan);

  const emitted = await run('emit-id', { forwardedProps: { mid: 'm-1' } });
  assert.deepEqual(
    emitted.filter((event) => event.type.startsWith('TEXT_MESSAGE')).map((event) => event.messageId),
    ['m-1', 'm-1', 'm-1'],
  );
  const messages = (await run('msgs-id', { forwardedProps: { mid: 'm-2', text: 'hello' } })).find(
    (event) => event.type === 'MESSAGES_SNAPSHOT',
  )?.messages as { id: string; content: string }[];
  assert.deepEqual(messages.at(-1), { id: 'm-2', role: 'assistant', content: 'hello' });

  const paused = (await run('interrupt-reason', { forwardedProps: { reason: 'confirm' } })).at(-1);
  assert.equal(paused?.type, 'RUN_FINISHED');
  assert.equal(paused?.outcome?.interrupts?.[0]?.reason, 'confirm');

  const delta = await run('delta-path', { forwardedProps: { key: 'count' } });
  assert.deepEqual(types(delta), ['RUN_STARTED', 'STATE_SNAPSHOT', 'STATE_DELTA', 'RUN_FINISHED']);
});

test('run: without the values, the run ends with RUN_ERROR invalid_event naming the step and the field', async () => {
  const cases: [string, { state?: unknown; forwardedProps?: unknown }, RegExp][] = [
    [
      'act-input-state',
      {},
      /^Step steps\.0: the ACTIVITY_SNAPSHOT .* is not a valid AG-UI event at content: .*\(got null\)/,
    ],
    ['act-state', { state: { plan: 'text' } }, /^Step steps\.0: .*ACTIVITY_SNAPSHOT.* at content: .*\(got "text"\)/],
    ['act-default', {}, /^Step steps\.0: .*ACTIVITY_SNAPSHOT.* at content: .*\(got "x"\)/],
    [
      'emit-id',
      { forwardedProps: { mid: 5 } },
      /^Step steps\.0: .*TEXT_MESSAGE_START.* at messageId: .*received number/,
    ],
    ['msgs-id', {}, /^Step steps\.0: .*MESSAGES_SNAPSHOT.* at messages\.1\.id: .*received null/],
    ['interrupt-reason', {}, /^Step steps\.0: .*RUN_FINISHED.* at outcome\.interrupts\.0\.reason: .*received null/],
  ];
  for (const [id, request, message] of cases) {
    const events = await run(id, request);
    assert.deepEqual(types(events), ['RUN_STARTED', 'RUN_ERROR'], id);
    const error = events[1] as ReceivedEvent;
    assert.equal(error.code, 'invalid_event', id);
    assert.match(error.message, message, id);
    assert.match(error.message, /made from this run's values/, id);
  }
  // A delta whose path the request makes, and that does not apply: the run says so at that operation.
  const delta = await run('delta-path', { forwardedProps: { key: 'missing' } });
  assert.deepEqual(types(delta), ['RUN_STARTED', 'STATE_SNAPSHOT', 'RUN_ERROR']);
  assert.equal(delta.at(-1)?.code, 'state_delta_failed');
  assert.match(String(delta.at(-1)?.message), /^Step steps\.1: STATE_DELTA operation 0/);
});
