import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STATE_MAX_CHARACTERS } from '../src/server/scenarios/state-delta';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { sseEvents } from './helpers/sse-events';

// A `copy` puts a second copy of what it copies into the state: forty of them (in forty deltas, or in one) double
// it forty times. A delta may make the state at most STATE_MAX_CHARACTERS of JSON: past that it is refused, when the
// scenario is stored (the dry run) and when a run plays it on a client's state, where it ran the engine out of
// memory.

const server = await startTestEngine({ template: 'blank' });
const control = controlClient(server);
assert.equal((await control.post('/agents', { id: 'chat', path: '/chat', scenarios: '*' })).status, 201);

const copy = { op: 'copy', from: '/a', path: '/a/-' };
const scenario = (id: string, steps: unknown[]) => ({
  id,
  name: id,
  triggers: [{ match: 'exact', value: id }],
  steps,
});

test('doubling the scenario’s own state is refused when stored, naming the step', async () => {
  const stored = await control.post<{ detail: { loc: unknown[]; msg: string }[] }>(
    '/scenarios',
    scenario('doubling', [
      { type: 'stateSnapshot', snapshot: { a: [1] } },
      ...Array.from({ length: 40 }, () => ({ type: 'stateDelta', delta: [copy] })),
    ]),
  );
  assert.equal(stored.status, 422);
  const issue = stored.body.detail[0];
  assert.equal(issue?.loc[0], 'body');
  assert.equal(issue?.loc[1], 'steps');
  assert.match(issue?.msg ?? '', new RegExp(`larger than ${STATE_MAX_CHARACTERS} characters`));

  const inOneDelta = await control.post<{ detail: { msg: string }[] }>(
    '/scenarios',
    scenario('doubling-one', [
      { type: 'stateSnapshot', snapshot: { a: [1] } },
      { type: 'stateDelta', delta: Array(40).fill(copy) },
    ]),
  );
  assert.equal(inOneDelta.status, 422);
  assert.match(inOneDelta.body.detail[0]?.msg ?? '', /STATE_DELTA operation \d+ \(copy \/a\/-\) would make/);
});

test('doubling a client’s state ends the run with state_delta_failed, the engine still serving', async () => {
  assert.equal(
    (
      await control.post(
        '/scenarios',
        scenario('doubling-input', [{ type: 'stateDelta', delta: Array(40).fill(copy) }]),
      )
    ).status,
    201,
  );
  const response = await fetch(`${server.url}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      threadId: 'thread-doubling',
      runId: 'run-doubling',
      messages: [{ id: 'm1', role: 'user', content: 'doubling-input' }],
      tools: [],
      context: [],
      state: { a: [1] },
      forwardedProps: {},
    }),
  });
  const events = sseEvents(await response.text());
  const last = events.at(-1);
  assert.equal(last?.type, 'RUN_ERROR');
  assert.equal(last?.code, 'state_delta_failed');
  assert.match(String(last?.message), /larger than/);
  assert.equal((await control.get('/scenarios')).status, 200);
});
