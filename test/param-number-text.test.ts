import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteInput } from '../src/shared/mounts/route';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// Path, query, header and form text read as numbers the way pydantic 2.13's lax mode (FastAPI's) reads them, not as
// JavaScript's `+text` does. Every accepted and refused text below was checked with `TypeAdapter(int)` and
// `TypeAdapter(float)`.validate_python(text) on pydantic 2.13.4 (pydantic-core 2.46.4).
const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);

const INT_PARSING = 'Input should be a valid integer, unable to parse string as an integer';
const FLOAT_PARSING = 'Input should be a valid number, unable to parse string as a number';
const object = (properties: object, required: string[] = []) => ({ type: 'object', properties, required });

const routes: RouteInput[] = [
  {
    id: 'ints',
    path: '/ints/:n',
    validate: {
      params: object({ n: { type: 'integer' } }, ['n']),
      query: object({ q: { type: 'integer' }, ids: { type: 'array', items: { type: 'integer' } } }),
      headers: object({ 'x-n': { type: 'integer' } }),
    },
    responses: [{ id: 'ok', body: { json: { n: '{{params.n}}', query: '{{query}}', h: '{{headers.x-n}}' } } }],
  },
  {
    id: 'nums',
    path: '/nums/:x',
    validate: {
      params: object({ x: { type: 'number' } }, ['x']),
      query: object({ y: { type: 'number' } }),
      headers: object({ 'x-y': { type: 'number' } }),
    },
    // Text, so that `inf` and `nan` show (JSON has neither).
    responses: [{ id: 'ok', body: { text: '{{params.x}} {{query.y}} {{headers.x-y}}' } }],
  },
  {
    id: 'items',
    path: '/items/:item_id',
    validate: {
      params: object({ item_id: { type: 'integer', minimum: 1 } }, ['item_id']),
      query: object({ limit: { type: 'integer', maximum: 100 } }),
    },
    responses: [{ id: 'ok', body: { json: { item_id: '{{params.item_id}}', limit: '{{query.limit}}' } } }],
  },
  {
    id: 'offers',
    method: 'POST',
    path: '/offers',
    validate: { body: object({ price: { type: 'number' }, quantity: { type: 'integer' } }) },
    responses: [{ id: 'ok', body: { json: '{{body}}' } }],
  },
];
for (const route of routes) assert.equal((await api.post('/routes', route)).status, 201, route.id);

const answer = async (response: Promise<Response>) => {
  const done = await response;
  return { status: done.status, body: await done.text() };
};
const get = (path: string, headers: Record<string, string> = {}) => answer(fetch(`${server.url}${path}`, { headers }));
const postForm = (path: string, body: string) =>
  answer(
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    }),
  );
const refused = (...issues: object[]) => ({ status: 422, body: JSON.stringify({ detail: issues }) });
const intParsing = (loc: (string | number)[], input: string) => ({ type: 'int_parsing', loc, msg: INT_PARSING, input });
const floatParsing = (loc: (string | number)[], input: string) => ({
  type: 'float_parsing',
  loc,
  msg: FLOAT_PARSING,
  input,
});
const text = encodeURIComponent;

// JavaScript reads all of these as numbers; pydantic reads none as an integer.
const NOT_INTEGERS = ['Infinity', '-Infinity', '0x10', '0b111', '0o7', '1e1', '5.', '1.5e1'];

test('an integer path, query or header parameter refuses JavaScript-only number text: int_parsing, the text echoed', async () => {
  for (const sent of [...NOT_INTEGERS, ' ']) {
    assert.deepEqual(await get(`/ints/${text(sent)}`), refused(intParsing(['path', 'n'], sent)), `path ${sent}`);
    assert.deepEqual(await get(`/ints/1?q=${text(sent)}`), refused(intParsing(['query', 'q'], sent)), `query ${sent}`);
  }
  // A header's spaces around its value are no part of it (HTTP): only the rest go as headers.
  for (const sent of NOT_INTEGERS)
    assert.deepEqual(await get('/ints/1', { 'x-n': sent }), refused(intParsing(['header', 'x-n'], sent)), sent);
});

test("the issue's route: Infinity is not an item id past `minimum`, hex and binary and 1e1 are no integers", async () => {
  assert.deepEqual(await get('/items/Infinity'), refused(intParsing(['path', 'item_id'], 'Infinity')));
  assert.deepEqual(
    await get('/items/0x10?limit=1e1'),
    refused(intParsing(['path', 'item_id'], '0x10'), intParsing(['query', 'limit'], '1e1')),
  );
  assert.deepEqual(await get('/items/1?limit=0b111'), refused(intParsing(['query', 'limit'], '0b111')));
  assert.deepEqual(await get('/items/7?limit=100'), { status: 200, body: '{"item_id":7,"limit":100}' });
});

test('integer text pydantic takes is read as it reads it: signs, spaces, underscores, a fraction of zeros', async () => {
  const read: [string, number][] = [
    ['5', 5],
    ['-3', -3],
    [' 5', 5],
    ['5 ', 5],
    ['+5', 5],
    ['05', 5],
    ['5.0', 5],
    ['10.000', 10],
    ['1_000', 1000],
    [' 1_000 ', 1000],
    ['-0', 0],
  ];
  for (const [sent, value] of read) {
    assert.deepEqual(
      await get(`/ints/${text(sent)}?q=${text(sent)}`),
      { status: 200, body: JSON.stringify({ n: value, query: { q: value }, h: null }) },
      sent,
    );
    if (sent.trim() === sent)
      assert.deepEqual(
        await get('/ints/1', { 'x-n': sent }),
        { status: 200, body: JSON.stringify({ n: 1, query: {}, h: value }) },
        `header ${sent}`,
      );
  }
  // Underscores only between digits, once each.
  for (const sent of ['1__0', '_1', '1_', '1_.0'])
    assert.deepEqual(await get(`/ints/1?q=${sent}`), refused(intParsing(['query', 'q'], sent)), sent);
});

test('a number parameter refuses hex, binary, octal and blank text: float_parsing, the text echoed', async () => {
  for (const sent of ['0x10', '0b111', '0o7', ' ', '1__0', ' 1_0.5']) {
    assert.deepEqual(await get(`/nums/${text(sent)}`), refused(floatParsing(['path', 'x'], sent)), `path ${sent}`);
    assert.deepEqual(
      await get(`/nums/1?y=${text(sent)}`),
      refused(floatParsing(['query', 'y'], sent)),
      `query ${sent}`,
    );
    if (sent.trim() === sent)
      assert.deepEqual(
        await get('/nums/1', { 'x-y': sent }),
        refused(floatParsing(['header', 'x-y'], sent)),
        `header ${sent}`,
      );
  }
});

test('number text pydantic takes is read as it reads a float: exponents, inf and nan in any case, underscores', async () => {
  const read: [string, string][] = [
    ['1.5', '1.5'],
    ['-3', '-3'],
    ['1e3', '1000'],
    ['.5', '0.5'],
    ['5.', '5'],
    [' 2.5 ', '2.5'],
    ['inf', 'Infinity'],
    ['-INF', '-Infinity'],
    ['Infinity', 'Infinity'],
    ['-infinity', '-Infinity'],
    ['nan', 'NaN'],
    ['1_0.5', '10.5'],
    ['1e400', 'Infinity'],
  ];
  for (const [sent, shown] of read) {
    assert.deepEqual(
      await get(`/nums/${text(sent)}?y=${text(sent)}`),
      { status: 200, body: `${shown} ${shown} ` },
      sent,
    );
    if (sent.trim() === sent)
      assert.deepEqual(await get('/nums/1', { 'x-y': sent }), { status: 200, body: `1  ${shown}` }, `header ${sent}`);
  }
});

test('each item of an integer list and each number field of a form is read as pydantic reads it', async () => {
  assert.deepEqual(
    await get('/ints/1?ids=1&ids=0x2&ids=1_0&ids=Infinity'),
    refused(intParsing(['query', 'ids', 1], '0x2'), intParsing(['query', 'ids', 3], 'Infinity')),
  );
  assert.deepEqual(await get('/ints/1?ids=1&ids=1_0'), {
    status: 200,
    body: '{"n":1,"query":{"ids":[1,10]},"h":null}',
  });
  assert.deepEqual(
    await postForm('/offers', 'price=0x10&quantity=1e1'),
    refused(floatParsing(['body', 'price'], '0x10'), intParsing(['body', 'quantity'], '1e1')),
  );
  assert.deepEqual(await postForm('/offers', 'price=1e1&quantity=2.0'), {
    status: 200,
    body: '{"price":10,"quantity":2}',
  });
});

test('an integer past what a JavaScript number holds exactly is still refused, however pydantic would write it', async () => {
  const inexact = (loc: (string | number)[], input: string) => ({
    type: 'value_error',
    loc,
    msg: `Value error, ${input} is past the integers this mock keeps exact (-9007199254740991 to 9007199254740991)`,
    input,
  });
  for (const sent of ['9007199254740993', '9_007_199_254_740_993', '9007199254740993.0'])
    assert.deepEqual(await get(`/ints/${sent}`), refused(inexact(['path', 'n'], sent)), sent);
  assert.deepEqual(
    await get('/ints/1?ids=2&ids=-9007199254740993'),
    refused(inexact(['query', 'ids', 1], '-9007199254740993')),
  );
});
