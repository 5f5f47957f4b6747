import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_ECHOED_INPUT_CHARS, TRUNCATED_INPUT_MARK } from '../src/server/http/echoed-input';
import type { ValidationIssue } from '../src/server/http/http-errors';
import type { ConnectionSummary } from '../src/shared/connections';
import type { ItemsPage } from '../src/shared/control-api';
import { AguiSocket } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// A 422 echoes what the client sent no longer than MAX_ECHOED_INPUT_CHARS, in its `msg` and `ctx` as in its `input`:
// a union's unknown tag, or a key its words name, is the client's text, and a hostile one is a megabyte.

const server = await startTestEngine();
const api = controlClient(server);
const HUGE = 'x'.repeat(300_000);
/** One issue may echo the text three times (`input`, `msg`, `ctx`), each cut short, with room for its words. */
const MAX_ISSUE_CHARS = 4 * MAX_ECHOED_INPUT_CHARS;

const issueSizes = (detail: ValidationIssue[]) => detail.map((issue) => JSON.stringify(issue).length);

test('an AG-UI run whose message has an unknown role of a megabyte: the 422 names the role cut short', async () => {
  const response = await fetch(`${server.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ threadId: 't', runId: 'r', messages: [{ id: 'm', role: HUGE, content: 'hi' }] }),
  });
  assert.equal(response.status, 422);
  const { detail } = (await response.json()) as { detail: ValidationIssue[] };
  assert.equal(detail[0]?.type, 'union_tag_invalid');
  assert.ok(detail[0]?.msg.includes(TRUNCATED_INPUT_MARK), detail[0]?.msg.slice(0, 80));
  assert.ok(
    issueSizes(detail).every((size) => size < MAX_ISSUE_CHARS),
    `issue sizes ${issueSizes(detail)}`,
  );
});

test('an injected event of an unknown type of a megabyte: the 422 names the type cut short', async () => {
  const client = await AguiSocket.open(server.wsUrl);
  try {
    const [connection] = (await api.get<ItemsPage<ConnectionSummary>>('/connections')).body.items;
    assert.ok(connection);
    const answer = await api.post<{ detail: ValidationIssue[] }>(`/connections/${connection.id}/events`, {
      events: [{ type: HUGE }],
    });
    assert.equal(answer.status, 422);
    assert.equal(answer.body.detail[0]?.type, 'union_tag_invalid');
    assert.ok(
      issueSizes(answer.body.detail).every((size) => size < MAX_ISSUE_CHARS),
      `issue sizes ${issueSizes(answer.body.detail)}`,
    );
  } finally {
    await client.close();
  }
});

test("a route whose response body names a key of a megabyte: the union's words about it are cut short", async () => {
  const answer = await api.post<{ detail: ValidationIssue[] }>('/routes', {
    id: 'huge-key',
    path: '/huge-key',
    responses: [{ id: 'ok', body: { text: 5, [HUGE]: 1 } }],
  });
  assert.equal(answer.status, 422);
  assert.match(answer.body.detail[0]?.msg ?? '', /^text: must be text/);
  assert.ok(
    issueSizes(answer.body.detail).every((size) => size < MAX_ISSUE_CHARS),
    `issue sizes ${issueSizes(answer.body.detail)}`,
  );
});
