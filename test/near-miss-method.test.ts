import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestLogEntry, RequestLogPage } from '../src/shared/request-log';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// A request nothing answered is explained in the request log whether it ends 404 or 405: a method the path does not
// serve names the route whose path it matched ("method: expected GET, got POST", distance 0.25), as routes.md says.

const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);

test('a 405 names the route whose path matched and the method it serves', async () => {
  const status = { id: 'status', path: '/status', responses: [{ id: 'ok', body: { json: { status: 'ok' } } }] };
  assert.equal((await api.post('/routes', status)).status, 201);
  const posted = await fetch(`${server.url}/status`, { method: 'POST' });
  assert.equal(posted.status, 405);
  assert.equal(posted.headers.get('allow'), 'GET, HEAD');
  assert.deepEqual(await posted.json(), { detail: 'Method Not Allowed' });
  const [entry] = (await api.get<RequestLogPage>('/requests?limit=1')).body.items as RequestLogEntry[];
  assert.equal(entry?.status, 405);
  assert.equal(entry?.answeredBy, null);
  assert.deepEqual(entry?.nearMisses, [
    {
      mount: { kind: 'route', id: 'status' },
      method: 'GET',
      path: '/status',
      distance: 0.25,
      reasons: [{ part: 'method', message: 'method: expected GET, got POST' }],
    },
  ]);
});
