import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { errorLogger } from './helpers/error-logger';

// A JSON Schema can refer to itself without ever reaching the value (`{"$dynamicRef": "#"}`, a `$ref` cycle):
// ajv compiles it into a validator that calls itself until the stack runs out. Such a schema is refused when
// stored; one whose cycle only some values reach is the schema's fault when it is met (never an unhandled 500).

const RECURSION = /refers to itself without end \(a \$ref or \$dynamicRef cycle that never reaches the value\)/;
/** Recurses only for a value that has `a`: no value tried when the schema is compiled reaches the cycle. */
const CYCLE_UNDER_A = {
  type: 'object',
  properties: { a: { $ref: '#/$defs/n' } },
  $defs: { n: { $ref: '#/$defs/m' }, m: { allOf: [{ $ref: '#/$defs/n' }] } },
};

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('a schema that refers to itself for every value is refused when stored, for a route and a collection', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  for (const schema of [{ $dynamicRef: '#' }, { $defs: { n: { $ref: '#/$defs/n' } }, $ref: '#/$defs/n' }]) {
    const route = await api.put<{ detail: { loc: string[]; msg: string }[] }>('/routes/r', {
      id: 'r',
      method: 'POST',
      path: '/r',
      validate: { body: schema },
      responses: [{ id: 'ok', body: { json: 1 } }],
    });
    assert.equal(route.status, 422, JSON.stringify(route.body));
    assert.deepEqual(route.body.detail[0]?.loc, ['body', 'validate', 'body']);
    assert.match(route.body.detail[0]?.msg ?? '', RECURSION);
    const collection = await api.put<{ detail: { loc: string[]; msg: string }[] }>('/collections/c', {
      id: 'c',
      path: '/c',
      schema: { type: 'object', ...schema },
      records: [{ id: 1 }],
    });
    assert.equal(collection.status, 422, JSON.stringify(collection.body));
    assert.match(collection.body.detail[0]?.msg ?? '', RECURSION);
  }
  assert.equal((await api.get('/routes/r')).status, 404, 'nothing was stored');
});

test('a cycle only some values reach: the route answers 500 naming its schema, a collection refuses the record', async () => {
  const { logger, errors } = errorLogger();
  const server = await startTestEngine({ template: 'blank', logger });
  const api = controlClient(server);
  const route = await api.put('/routes/r', {
    id: 'r',
    method: 'POST',
    path: '/r',
    validate: { body: CYCLE_UNDER_A },
    responses: [{ id: 'ok', body: { json: 'ok' } }],
  });
  assert.equal(route.status, 201, JSON.stringify(route.body));
  const looping = await post(`${server.url}/r`, { a: {} });
  assert.equal(looping.status, 500);
  assert.match(
    ((await looping.json()) as { detail: string }).detail,
    /this route's validation failed: the schema refers to itself without end/,
  );
  assert.equal((await post(`${server.url}/r`, { b: 1 })).status, 200);

  const refused = await api.put('/collections/c', {
    id: 'c',
    path: '/c',
    schema: CYCLE_UNDER_A,
    records: [{ id: 1, a: {} }],
  });
  assert.equal(refused.status, 422, JSON.stringify(refused.body));
  const stored = await api.put('/collections/c', { id: 'c', path: '/c', schema: CYCLE_UNDER_A, records: [{ id: 1 }] });
  assert.equal(stored.status, 201, JSON.stringify(stored.body));
  const record = await post(`${server.url}/c`, { a: {} });
  assert.equal(record.status, 422);
  assert.match(JSON.stringify(await record.json()), RECURSION);
  assert.equal((await fetch(`${server.url}/c`)).status, 200);
  assert.deepEqual(errors, []);
});

/** `S0 = anyOf[S1, S1]`, `S1 = anyOf[S2, S2]`, …: one value checked 2^levels times by a validator reporting every error. */
function doublingUnion(levels: number, keyword: 'anyOf' | 'properties'): Record<string, unknown> {
  const $defs: Record<string, unknown> = { [`S${levels}`]: { type: 'string' } };
  for (let level = 0; level < levels; level++) {
    const next = { $ref: `#/$defs/S${level + 1}` };
    $defs[`S${level}`] = keyword === 'anyOf' ? { anyOf: [next, next] } : { properties: { a: next, b: next } };
  }
  return { $ref: '#/$defs/S0', $defs };
}

test('branches that lead to the same schemas again, nested, are refused when stored; parts of a value are not', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const route = (body: unknown) => ({
    id: 'r',
    method: 'POST',
    path: '/r',
    validate: { body },
    responses: [{ id: 'ok', body: { json: 'ok' } }],
  });
  // Twenty levels held the engine for seconds on every invalid value; thirty ran it out of memory.
  for (const levels of [20, 30]) {
    const refused = await api.put<{ detail: { loc: string[]; msg: string }[] }>(
      '/routes/r',
      route(doublingUnion(levels, 'anyOf')),
    );
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.deepEqual(refused.body.detail[0]?.loc, ['body', 'validate', 'body']);
    assert.match(refused.body.detail[0]?.msg ?? '', /one value would be checked more than 10000 times: anyOf, oneOf/);
  }
  // A few levels are fine, and validate as before.
  assert.equal((await api.put('/routes/r', route(doublingUnion(6, 'anyOf')))).status, 201);
  assert.equal((await post(`${server.url}/r`, 'text')).status, 200);
  assert.equal((await post(`${server.url}/r`, 7)).status, 422);
  // The same sharing under properties checks each part of a value once: as deep as the value, which limits bound.
  assert.equal((await api.put('/routes/r', route(doublingUnion(30, 'properties')))).status, 200);
  assert.equal((await post(`${server.url}/r`, { a: { b: { a: 'x' } } })).status, 200);
});

test('a parameter named __proto__ is a value like any other: present or missing, as the schema requires', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  // Required by name (a JSON body naming `__proto__` as a key is refused; an imported OpenAPI document may hold one).
  const schema = '{"type":"object","required":["__proto__"]}';
  const stored = await api.put('/routes/p', {
    id: 'p',
    path: '/p/:__proto__',
    validate: { params: JSON.parse(schema), query: JSON.parse(schema) },
    responses: [{ id: 'ok', body: { json: { path: '{{params.__proto__}}' } } }],
  });
  assert.equal(stored.status, 201, JSON.stringify(stored.body));
  const missing = await fetch(`${server.url}/p/a`);
  assert.equal(missing.status, 422);
  assert.deepEqual(
    ((await missing.json()) as { detail: { loc: string[] }[] }).detail.map((issue) => issue.loc),
    [['query', '__proto__']],
  );
  assert.equal((await fetch(`${server.url}/p/a?__proto__=b`)).status, 200);
});
