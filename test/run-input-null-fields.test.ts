import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestEngine } from './helpers/engine';

// AG-UI 1.0's RunAgentInputSchema refuses `null` in its optional any-value fields (`forwardedProps`, a tool's
// `parameters`, a content part's `metadata`), as it does a resume's `payload` — with zod's bare "Invalid input",
// which tells a client (a Python one writing None, say) nothing. Every such null is worded as the payload's is.

const server = await startTestEngine({ template: 'generic' });

const base = {
  threadId: 't-null',
  runId: 'r1',
  messages: [{ id: 'm1', role: 'user', content: 'hello' }],
  tools: [],
  context: [],
};

async function post(body: unknown): Promise<{ status: number; body: { detail: Record<string, unknown>[] } }> {
  const response = await fetch(`${server.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { detail: Record<string, unknown>[] } };
}

test('a null forwardedProps, tool parameters or part metadata is a 422 that says to leave it out', async () => {
  const refused = await post({
    ...base,
    messages: [{ id: 'm1', role: 'user', content: [{ type: 'text', text: 'hello', metadata: null }] }],
    tools: [{ name: 'search', description: 'Search', parameters: null }],
    forwardedProps: null,
  });
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.body.detail, [
    {
      type: 'value_error',
      loc: ['body', 'messages', 0, 'content', 0, 'metadata'],
      msg: 'Value error, metadata may be left out but not null: omit it',
      input: null,
    },
    {
      type: 'value_error',
      loc: ['body', 'tools', 0, 'parameters'],
      msg: 'Value error, parameters may be left out but not null: omit it',
      input: null,
    },
    {
      type: 'value_error',
      loc: ['body', 'forwardedProps'],
      msg: 'Value error, forwardedProps may be left out but not null: omit it',
      input: null,
    },
  ]);
  // Left out, the same request runs.
  const { forwardedProps: _left, ...rest } = { ...base, forwardedProps: null };
  const response = await fetch(`${server.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(rest),
  });
  assert.equal(response.status, 200);
  await response.text();
});

test("a resume's null payload keeps its own words", async () => {
  const refused = await post({ ...base, resume: [{ interruptId: 'i1', status: 'resolved', payload: null }] });
  assert.equal(refused.status, 422);
  assert.equal(
    refused.body.detail[0]?.msg,
    'Value error, payload may be left out but not null: omit it for no payload',
  );
});
