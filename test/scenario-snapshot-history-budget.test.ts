import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OUTPUT_PER_RESPONSE } from '../src/server/templates/template-engine';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { sseEvents } from './helpers/sse-events';

// A MESSAGES_SNAPSHOT sends the request's messages before its own: the dry run's sample request has one, a real one
// may bring a megabyte. The history each snapshot repeats counts against the run's output, as what its templates
// write does: two hundred snapshots of a 1 MB history sent 190 MB (two thousand, 1.9 GB, holding the engine 30 s
// and 4 GB of memory); past the run's output the run ends with RUN_ERROR.

const server = await startTestEngine({ template: 'blank' });
const control = controlClient(server);
assert.equal((await control.post('/agents', { id: 'chat', path: '/chat', scenarios: '*' })).status, 201);

test('snapshots repeating a large history stop at the run’s output budget', async () => {
  const steps = Array.from({ length: 200 }, () => ({ type: 'messagesSnapshot', messages: [] }));
  assert.equal(
    (await control.post('/scenarios', { id: 'snapshots', name: 'snapshots', triggers: [{ match: 'always' }], steps }))
      .status,
    201,
  );
  const messages = Array.from({ length: 1000 }, (_, index) => ({
    id: `m${index}`,
    role: 'user',
    content: 'x'.repeat(900),
  }));
  const response = await fetch(`${server.url}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      threadId: 't',
      runId: 'r',
      messages,
      tools: [],
      context: [],
      state: {},
      forwardedProps: {},
    }),
  });
  const text = await response.text();
  assert.ok(text.length < 2 * OUTPUT_PER_RESPONSE, `the run sent ${text.length} characters`);
  const last = sseEvents(text).at(-1);
  assert.equal(last?.type, 'RUN_ERROR');
  assert.match(String(last?.message), new RegExp(`more than ${OUTPUT_PER_RESPONSE} characters`));
});
