import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { type ControlClient, controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

/**
 * A string id `.` or `..` was taken, and its record could never be read: clients resolve `/notes/..` to `/` before
 * they send it (the `Location` the create answered led elsewhere). Refused with a 422 that says why; dots in an id
 * otherwise are text.
 */

const server: MockServer = await startTestEngine({ template: 'blank' });
const api: ControlClient = controlClient(server);
const created = await api.post('/collections', { id: 'notes', path: '/notes', idType: 'string' });
assert.equal(created.status, 201, JSON.stringify(created.body));

const post = async (body: unknown) => {
  const response = await fetch(`${server.url}/notes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as unknown,
    location: response.headers.get('location'),
  };
};

test('an id of "." or ".." is refused, saying why; the workspace cannot hold one either', async () => {
  for (const id of ['.', '..']) {
    const answer = await post({ id, text: 'x' });
    assert.equal(answer.status, 422);
    assert.deepEqual(answer.body, {
      detail: [
        {
          type: 'value_error',
          loc: ['body', 'id'],
          msg: `Value error, an id of ${JSON.stringify(id)} cannot stand in a URL: clients resolve /items/${id} before they send it (to /items/ or /), so the record could never be read; give it another id`,
          input: id,
        },
      ],
    });
  }
  const stored = await api.post('/collections', {
    id: 'kept',
    path: '/kept',
    idType: 'string',
    records: [{ id: '..' }],
  });
  assert.equal(stored.status, 422);
  assert.match(JSON.stringify(stored.body), /"loc":\["body","records",0,"id"\].*cannot stand in a URL/);
});

test('dots within an id are text: the record is served where its Location says', async () => {
  for (const id of ['...', '.hidden', 'v1.2']) {
    const answer = await post({ id });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const read = await fetch(`${server.url}${answer.location}`);
    assert.deepEqual(await read.json(), { id });
  }
});
