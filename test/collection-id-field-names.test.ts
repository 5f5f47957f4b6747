import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { type ControlClient, controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { errorLogger } from './helpers/error-logger';

/**
 * A collection's `idField` is any name, and a record's id is its own property of that name: one named like what
 * every object inherits (`toString`, `constructor`) read the inherited function, so a record sent without an id
 * was refused (`int_type`, blaming the client for a field it never sent). `__proto__`, a key no JSON body may
 * hold, could take no record at all: refused when stored.
 */

const { logger, errors } = errorLogger();
const server: MockServer = await startTestEngine({ template: 'blank', logger });
const api: ControlClient = controlClient(server);

const send = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
};

test('an id field named like an inherited property: records get their ids and are served', async () => {
  for (const [idField, idType] of [
    ['toString', 'integer'],
    ['constructor', 'integer'],
    ['valueOf', 'string'],
  ] as const) {
    const path = `/${idField.toLowerCase()}`;
    const created = await api.post('/collections', { id: idField.toLowerCase(), path, idField, idType, records: [] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const first = await send('POST', path, { name: 'a' });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const id = (first.body as Record<string, unknown>)[idField];
    assert.equal(typeof id, idType === 'integer' ? 'number' : 'string');
    assert.deepEqual((await send('GET', `${path}/${id}`)).body, { name: 'a', [idField]: id });
    // Replaced without an id in the body: the path's.
    assert.deepEqual((await send('PUT', `${path}/${id}`, { name: 'b' })).body, { name: 'b', [idField]: id });
  }
  // The workspace's records must hold their own id too.
  const missing = await api.post('/collections', {
    id: 'stored',
    path: '/stored',
    idField: 'toString',
    records: [{ name: 'no id' }],
  });
  assert.equal(missing.status, 422);
  assert.deepEqual(missing.body, {
    detail: [{ type: 'value_error', loc: ['body', 'records', 0, 'toString'], msg: 'Field required', input: null }],
  });
  assert.deepEqual(errors, []);
});

test('an id field named __proto__ is refused when stored, saying why', async () => {
  const refused = await api.post('/collections', { id: 'proto', path: '/proto', idField: '__proto__', records: [] });
  assert.equal(refused.status, 422);
  assert.match(
    JSON.stringify(refused.body),
    /idField.*records cannot hold their id in \\"__proto__\\": a JSON body with that key is refused/,
  );
  assert.deepEqual(errors, []);
});
