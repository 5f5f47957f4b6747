import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { loopHoldUpDuring } from './helpers/loop-delay';
import { sseEvents } from './helpers/sse-events';

// A `{{` no `}}` follows is literal text (the first scenario format's spelling). Escaping each one is one pass over
// the string: a chunk of 160 kB with 40,000 of them, stored then played, holds the engine for far less than a second
// (escaping them one at a time into the whole string held it for 30 seconds, before the scenario was even checked).

const server = await startTestEngine({ template: 'blank' });
const control = controlClient(server);
assert.equal((await control.post('/agents', { id: 'chat', path: '/chat', scenarios: '*' })).status, 201);

test('a long chunk of literal {{ is stored and played without holding the engine', async () => {
  const chunk = 'a{{b'.repeat(40_000);
  const scenario = {
    id: 'braces',
    name: 'braces',
    triggers: [{ match: 'exact', value: 'braces' }],
    steps: [{ type: 'text', chunks: [chunk], spoken: false }],
  };
  let status = 0;
  const holdUp = await loopHoldUpDuring(async () => {
    status = (await control.post('/scenarios', scenario)).status;
  });
  assert.equal(status, 201);
  assert.ok(holdUp.busyMs < 1000, `storing held the engine for ${Math.round(holdUp.busyMs)} ms`);

  const response = await fetch(`${server.url}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      threadId: 'thread-braces',
      runId: 'run-braces',
      messages: [{ id: 'm1', role: 'user', content: 'braces' }],
      tools: [],
      context: [],
      state: {},
      forwardedProps: {},
    }),
  });
  const events = sseEvents(await response.text());
  const text = events
    .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT')
    .map((event) => event.delta)
    .join('');
  assert.equal(text, chunk);
});
