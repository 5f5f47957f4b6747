import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteInput } from '../src/shared/mounts/route';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// Each expected body is what FastAPI 0.142 with pydantic 2.13 answered to the same request, byte for byte.
const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);

const INT_PARSING = 'Input should be a valid integer, unable to parse string as an integer';
// FastAPI's `Optional[…] = None` parameters, as its OpenAPI 3.1 document (and so `import-openapi`) writes them.
const optional = (schema: object, title: string) => ({ anyOf: [schema, { type: 'null' }], title });
const ITEM = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
// A FastAPI model with numbers and a flag: pydantic's lax mode reads their JSON strings.
const OFFER = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    price: { type: 'number' },
    quantity: { type: 'integer', minimum: 1 },
    is_offer: { type: ['boolean', 'null'], default: null },
    sizes: { type: 'array', items: { type: 'integer' } },
  },
  required: ['price'],
};

const routes: RouteInput[] = [
  {
    id: 'search',
    path: '/search',
    validate: {
      query: {
        type: 'object',
        properties: {
          limit: optional({ type: 'integer' }, 'Limit'),
          tags: optional({ type: 'array', items: { type: 'integer' } }, 'Tags'),
          expand: optional({ type: 'boolean' }, 'Expand'),
          name: { oneOf: [{ type: 'null' }, { type: 'string', minLength: 3 }], title: 'Name' },
          // OpenAPI 3.0's `nullable: true`, as the import writes it.
          page: { type: ['integer', 'null'], minimum: 1, default: null },
          sort: { type: ['string', 'null'], enum: ['asc', 'desc', null] },
        },
      },
    },
    responses: [{ id: 'ok', body: { json: '{{query}}' } }],
  },
  {
    id: 'read-item',
    path: '/items/:item_id',
    validate: {
      params: {
        type: 'object',
        properties: { item_id: optional({ type: 'integer' }, 'Item Id') },
        required: ['item_id'],
      },
      headers: { type: 'object', properties: { 'x-n': optional({ type: 'integer' }, 'X-N') } },
    },
    responses: [{ id: 'ok', body: { json: { item_id: '{{params.item_id}}', n: '{{headers.x-n}}' } } }],
  },
  {
    id: 'create-item',
    method: 'POST',
    path: '/items',
    // As import-openapi writes a FastAPI model: by reference.
    validate: { body: { $ref: '#/$defs/Item', $defs: { Item: ITEM } } },
    responses: [{ id: 'created', status: 201, body: { json: '{{body}}' } }],
  },
  {
    id: 'offer',
    method: 'POST',
    path: '/offers',
    validate: { body: OFFER },
    responses: [{ id: 'ok', body: { json: '{{body}}' } }],
  },
];
for (const route of routes) assert.equal((await api.post('/routes', route)).status, 201, route.id);
assert.equal((await api.post('/collections', { id: 'books', path: '/books', schema: ITEM })).status, 201);
assert.equal((await api.post('/collections', { id: 'deals', path: '/deals', schema: OFFER })).status, 201);

const answer = async (response: Promise<Response>) => {
  const done = await response;
  return { status: done.status, body: await done.text() };
};
const get = (path: string, headers: Record<string, string> = {}) => answer(fetch(`${server.url}${path}`, { headers }));
const post = (path: string, contentType: string, body: string) =>
  answer(fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body }));
const refused = (...issues: object[]) => ({ status: 422, body: JSON.stringify({ detail: issues }) });

test('an Optional[int] query parameter is converted and worded as an int; an empty value is not null', async () => {
  assert.deepEqual(await get('/search?limit=7'), { status: 200, body: '{"limit":7}' });
  assert.deepEqual(
    await get('/search?limit=abc'),
    refused({ type: 'int_parsing', loc: ['query', 'limit'], msg: INT_PARSING, input: 'abc' }),
  );
  assert.deepEqual(
    await get('/search?limit='),
    refused({ type: 'int_parsing', loc: ['query', 'limit'], msg: INT_PARSING, input: '' }),
  );
  // Absent is absent: no null is filled in.
  assert.deepEqual(await get('/search'), { status: 200, body: '{}' });
});

test('a nullable (OpenAPI 3.0) query parameter is its one type: an empty value is not null, absent stays absent', async () => {
  assert.deepEqual(await get('/search?page=2&sort=asc'), { status: 200, body: '{"page":2,"sort":"asc"}' });
  assert.deepEqual(
    await get('/search?page='),
    refused({ type: 'int_parsing', loc: ['query', 'page'], msg: INT_PARSING, input: '' }),
  );
  assert.deepEqual(
    await get('/search?page=0'),
    refused({
      type: 'greater_than_equal',
      loc: ['query', 'page'],
      msg: 'Input should be greater than or equal to 1',
      input: '0',
      ctx: { ge: 1 },
    }),
  );
  const sortRefused = await get('/search?sort=');
  assert.equal(sortRefused.status, 422);
  assert.match(sortRefused.body, /"type":"enum","loc":\["query","sort"\]/);
  assert.deepEqual(await get('/search'), { status: 200, body: '{}' }, 'no null default filled in');
});

test('an Optional[List[int]] query parameter takes every repetition; Optional[bool] reads lax words', async () => {
  assert.deepEqual(await get('/search?tags=1&tags=2&expand=yes'), {
    status: 200,
    body: '{"tags":[1,2],"expand":true}',
  });
  assert.deepEqual(await get('/search?expand=1'), { status: 200, body: '{"expand":true}' });
  assert.deepEqual(
    await get('/search?tags=1&tags=x'),
    refused({ type: 'int_parsing', loc: ['query', 'tags', 1], msg: INT_PARSING, input: 'x' }),
  );
  assert.deepEqual(
    await get('/search?expand=maybe'),
    refused({
      type: 'bool_parsing',
      loc: ['query', 'expand'],
      msg: 'Input should be a valid boolean, unable to interpret input',
      input: 'maybe',
    }),
  );
});

test("a oneOf optional keeps its type's constraints, null first or last", async () => {
  assert.deepEqual(
    await get('/search?limit=7&name=ab'),
    refused({
      type: 'string_too_short',
      loc: ['query', 'name'],
      msg: 'String should have at least 3 characters',
      input: 'ab',
      ctx: { min_length: 3 },
    }),
  );
});

test('optional path parameters and headers are converted and worded the same way', async () => {
  assert.deepEqual(await get('/items/5', { 'x-n': '2' }), { status: 200, body: '{"item_id":5,"n":2}' });
  assert.deepEqual(
    await get('/items/abc', { 'x-n': 'zz' }),
    refused(
      { type: 'int_parsing', loc: ['path', 'item_id'], msg: INT_PARSING, input: 'abc' },
      { type: 'int_parsing', loc: ['header', 'x-n'], msg: INT_PARSING, input: 'zz' },
    ),
  );
});

test('an integer a JavaScript number cannot hold exactly is refused, not answered for a neighbour', async () => {
  assert.deepEqual(await get('/items/9007199254740991'), {
    status: 200,
    body: '{"item_id":9007199254740991,"n":null}',
  });
  // FastAPI would keep it (Python's ints have no bound); this engine would read …992 and answer for that item.
  for (const text of ['9007199254740993', '-99999999999999999999']) {
    assert.deepEqual(
      await get(`/items/${text}`),
      refused({
        type: 'value_error',
        loc: ['path', 'item_id'],
        msg: `Value error, ${text} is past the integers this mock keeps exact (-9007199254740991 to 9007199254740991)`,
        input: text,
      }),
    );
  }
});

test("malformed JSON is json_invalid at the character where Python's decoder stopped, with its message", async () => {
  const cases: [string, number, string][] = [
    ['{"name":"x",}', 12, 'Expecting property name enclosed in double quotes'],
    ['abc', 0, 'Expecting value'],
    ['{"name":', 8, 'Expecting value'],
    // Python counts characters: the emoji is one, not two UTF-16 units.
    ['{"name": "😀",}', 13, 'Expecting property name enclosed in double quotes'],
    ['{"name": "a\\qb"}', 11, 'Invalid \\escape'],
  ];
  for (const path of ['/items', '/books'])
    for (const [body, at, error] of cases)
      assert.deepEqual(
        await post(path, 'application/json', body),
        refused({ type: 'json_invalid', loc: ['body', at], msg: 'JSON decode error', input: {}, ctx: { error } }),
        `${path} ${body}`,
      );
});

test('a text/plain body to a model is model_attributes_type with the text as input, from a route or a collection', async () => {
  for (const path of ['/items', '/books'])
    assert.deepEqual(
      await post(path, 'text/plain', '{"name":"x"}'),
      refused({
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: '{"name":"x"}',
      }),
      path,
    );
});

test('required fields named like Object.prototype members (constructor, toString) are missing from {}', async () => {
  const model = {
    type: 'object',
    properties: { constructor: { type: 'integer' }, toString: { type: 'string' } },
    required: ['constructor', 'toString', 'valueOf'],
  };
  const route = { id: 'prototype-names', method: 'POST', path: '/prototype-names', validate: { body: model } };
  assert.equal(
    (await api.post('/routes', { ...route, responses: [{ id: 'ok', body: { json: '{{body}}' } }] })).status,
    201,
  );
  const missing = (field: string) => ({ type: 'missing', loc: ['body', field], msg: 'Field required', input: {} });
  assert.deepEqual(
    await post('/prototype-names', 'application/json', '{}'),
    refused(missing('constructor'), missing('toString'), missing('valueOf')),
  );
  const sent = '{"constructor":7,"toString":"t","valueOf":null}';
  assert.deepEqual(await post('/prototype-names', 'application/json', sent), { status: 200, body: sent });
});

test("JSON strings are read as pydantic's lax mode reads them: numbers, integers and booleans, nothing else", async () => {
  const json = 'application/json';
  const sent = { name: 'Foo', price: '12.5', quantity: '3', is_offer: 'yes', sizes: ['1', 2] };
  const expected = { name: 'Foo', price: 12.5, quantity: 3, is_offer: true, sizes: [1, 2] };
  assert.deepEqual(await post('/offers', json, JSON.stringify(sent)), { status: 200, body: JSON.stringify(expected) });
  // A collection's record is stored converted, as FastAPI's model would hold it.
  const created = await post('/deals', json, JSON.stringify({ id: 1, ...sent }));
  assert.equal(created.status, 201);
  assert.deepEqual(JSON.parse(created.body), { id: 1, ...expected });
  assert.deepEqual(
    await post('/offers', json, JSON.stringify({ name: 5, price: 'cheap', quantity: '0' })),
    refused(
      { type: 'string_type', loc: ['body', 'name'], msg: 'Input should be a valid string', input: 5 },
      {
        type: 'float_parsing',
        loc: ['body', 'price'],
        msg: 'Input should be a valid number, unable to parse string as a number',
        input: 'cheap',
      },
      {
        type: 'greater_than_equal',
        loc: ['body', 'quantity'],
        msg: 'Input should be greater than or equal to 1',
        input: '0',
        ctx: { ge: 1 },
      },
    ),
    'a number is no string; a converted value past its limit echoes the text as sent',
  );
});
