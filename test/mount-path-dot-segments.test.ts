import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { type ControlClient, controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

/**
 * A path segment `.` or `..` is resolved by every client before it sends a request (`/a/../b` is sent as `/b`): a
 * mount at such a path was stored and never reached. Refused when stored, saying why; dots inside a segment stay.
 */

const server: MockServer = await startTestEngine({ template: 'blank' });
const api: ControlClient = controlClient(server);

const DOT_SEGMENT =
  'a path segment "." or ".." is resolved by clients before they send a request (`/a/../b` is sent as `/b`), so no request would reach it: write the path without it';

test('routes, collections and static folders at a path with a dot segment are refused, saying why', async () => {
  const mounts = [
    ['routes', (path: string) => ({ id: 'dots', path, responses: [{ id: 'ok' }] })],
    ['collections', (path: string) => ({ id: 'dots', path })],
    ['static-folders', (path: string) => ({ id: 'dots', path, folder: '.' })],
  ] as const;
  for (const [section, mount] of mounts) {
    for (const path of ['/a/../b', '/.', '/items/./x', '/x/%2E%2E/y', '/x/.%2e']) {
      const refused = await api.post(`/${section}`, mount(path));
      assert.equal(refused.status, 422, `${section} ${path}: ${JSON.stringify(refused.body)}`);
      assert.deepEqual(
        refused.body,
        { detail: [{ type: 'value_error', loc: ['body', 'path'], msg: DOT_SEGMENT, input: path }] },
        `${section} ${path}`,
      );
    }
  }
});

test('dots within a segment are literal text, served as before', async () => {
  const created = await api.post('/routes', {
    id: 'dotted',
    path: '/v1.2/..more/file.',
    responses: [{ id: 'ok', body: { json: 'dotted' } }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const answer = await fetch(`${server.url}/v1.2/..more/file.`);
  assert.equal(answer.status, 200);
  assert.equal(await answer.json(), 'dotted');
});
