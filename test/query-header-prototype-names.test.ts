import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteInput } from '../src/shared/mounts/route';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { rawHttp } from './helpers/raw-http';

// A query parameter or header named `__proto__`, `constructor` or `toString` is one like any other, as a form field
// is. A `__proto__` one used to be dropped: assigned to a plain object it set (or, being text, did not set) its
// prototype. Node drops a `__proto__` header from `req.headers` for that reason.

const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);
const port = Number(new URL(server.url).port);
const echo = {
  id: 'echo',
  body: { json: { query: '{{query}}', headers: '{{headers}}', proto: '{{query.__proto__}}' } },
};
const routes: RouteInput[] = [
  { id: 'plain', path: '/plain', responses: [echo] },
  {
    id: 'validated',
    path: '/validated',
    validate: {
      query: { type: 'object', properties: { constructor: { type: 'integer' } } },
      headers: { type: 'object', properties: { tostring: { type: 'integer' } } },
    },
    responses: [echo],
  },
  {
    id: 'conditions',
    path: '/conditions',
    responses: [
      { id: 'named', when: { query: { constructor: '2' }, headers: { toString: '3' } }, body: { text: 'named' } },
      { id: 'other', body: { text: 'other' } },
    ],
  },
];
for (const route of routes) assert.equal((await api.post('/routes', route)).status, 201, route.id);

const QUERY = '__proto__=1&constructor=2&toString=3';
const HEADERS = '__proto__: a\r\n__proto__: b\r\nconstructor: 2\r\ntoString: 3\r\n';
const get = (target: string, headers = HEADERS) =>
  rawHttp(port, [`GET ${target} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`]);

/** The names and values a route echoed: compared as entries, as an object literal's `__proto__` sets its prototype. */
async function echoed(path: string) {
  const answer = await get(`${path}?${QUERY}`);
  assert.equal(answer.status, 200, answer.body);
  const body = JSON.parse(answer.body) as { query: object; headers: object; proto: unknown };
  return { query: Object.entries(body.query), headers: Object.entries(body.headers), proto: body.proto };
}

test('query parameters and headers named __proto__, constructor or toString reach templates and conditions like any other', async () => {
  for (const path of ['/plain', '/validated']) {
    const { query, headers, proto } = await echoed(path);
    // The validated route reads them as the integers its schemas declare.
    const validated = path === '/validated';
    assert.deepEqual(query, [
      ['__proto__', '1'],
      ['constructor', validated ? 2 : '2'],
      ['toString', '3'],
    ]);
    assert.equal(proto, '1', path);
    // Repeated, a header reads as Node joins any other it does not know.
    const named = headers.filter(([name]) => ['__proto__', 'constructor', 'tostring'].includes(name));
    assert.deepEqual(named, [
      ['constructor', '2'],
      ['tostring', validated ? 3 : '3'],
      ['__proto__', 'a, b'],
    ]);
  }
  // Never a prototype: a request without them has none of their names.
  const none = JSON.parse((await get('/plain?a=1', '')).body) as { query: object; headers: object; proto: unknown };
  assert.deepEqual(Object.entries(none.query), [['a', '1']]);
  assert.equal(Object.hasOwn(none.headers, '__proto__'), false);
  assert.equal(none.proto, null);
  // Conditions read them as they read any name: there when sent, missing when not.
  assert.equal((await get(`/conditions?${QUERY}`)).body, 'named');
  assert.equal((await get('/conditions?other=1', '')).body, 'other');
});
