import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteInput } from '../src/shared/mounts/route';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// Schema defaults of a route's body are filled in for a form body as for the same request sent as JSON — a `null`
// default too — as FastAPI gives a `Form()` field (or a JSON field) the client did not send its default.
const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);
const echo = { id: 'ok', body: { text: '{{json body}}' } };
const routes: RouteInput[] = [
  {
    id: 'orders',
    method: 'POST',
    path: '/api/orders',
    // The tester's route.
    validate: {
      body: {
        type: 'object',
        properties: {
          plantId: { type: 'integer' },
          qty: { type: 'integer' },
          note: { type: ['string', 'null'], default: null },
          gift: { type: 'boolean', default: false },
        },
        required: ['plantId', 'qty'],
      },
    },
    responses: [echo],
  },
  {
    id: 'kinds',
    method: 'POST',
    path: '/kinds',
    // Every kind of default, on every kind of type: pydantic's `Optional[str] = None` (anyOf), OpenAPI 3.0's
    // nullable (a type list with "null"), `str = None` (a null default on a type without null), unions.
    validate: {
      body: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          text: { type: 'string', default: 'hi' },
          price: { type: 'number', default: 1.5 },
          count: { type: 'integer', default: 7 },
          flag: { type: 'boolean', default: true },
          tags: { type: 'array', items: { type: 'string' }, default: ['a', 'b'] },
          meta: { type: 'object', default: { k: [1, { deep: null }] } },
          union: { type: ['integer', 'string'], default: 5 },
          nullable: { type: ['integer', 'null'], default: 3 },
          nullableNull: { type: ['string', 'null'], default: null },
          optional: { anyOf: [{ type: 'string' }, { type: 'null' }], default: null, title: 'Optional' },
          optionalInt: { anyOf: [{ type: 'integer' }, { type: 'null' }], default: 4 },
          either: { anyOf: [{ type: 'integer' }, { type: 'string' }], default: 'x' },
          strNone: { type: 'string', default: null },
          // Taken as written, as pydantic takes a default (`code: int = "12"` is "12"): neither checked nor converted.
          code: { type: 'integer', default: '12' },
          // A required field with a default is never missing (filled in before `required` is checked).
          level: { type: ['string', 'null'], default: null },
        },
        required: ['id', 'level'],
      },
    },
    responses: [echo],
  },
  {
    id: 'items',
    method: 'GET',
    path: '/items',
    // Query values are text: a null default never fills one in (FastAPI's `limit: int = None` is absent, not 0).
    validate: {
      query: {
        type: 'object',
        properties: {
          limit: { type: 'integer', default: null },
          name: { type: 'string', default: null },
          on: { type: 'boolean', default: null },
          either: { type: ['integer', 'string'], default: null },
          page: { type: 'integer', default: 1 },
        },
      },
    },
    responses: [{ id: 'ok', body: { text: '{{json query}}' } }],
  },
];
for (const route of routes) assert.equal((await api.post('/routes', route)).status, 201, route.id);

const FORM = 'application/x-www-form-urlencoded';

/** Status and body (parsed: the keys in the order the engine wrote them) of a POST to `path`. */
async function post(path: string, contentType: string, body: string) {
  const answer = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  const text = await answer.text();
  return { status: answer.status, body: JSON.parse(text) as unknown, text };
}

test('the tester’s repro: a null default (type ["string", "null"]) is filled into a form body as into JSON', async () => {
  const form = await post('/api/orders', FORM, 'plantId=1&qty=3');
  const json = await post('/api/orders', 'application/json', '{"plantId":1,"qty":3}');
  // Before: the form gave {"plantId":1,"qty":3,"gift":false}, without `note`.
  assert.deepEqual(
    { form: form.text, json: json.text },
    {
      form: '{"plantId":1,"qty":3,"note":null,"gift":false}',
      json: '{"plantId":1,"qty":3,"note":null,"gift":false}',
    },
  );
});

test('every kind of default — text, number, list, object, null, on unions too — is filled in, form and JSON alike', async () => {
  const expected = {
    id: 1,
    text: 'hi',
    price: 1.5,
    count: 7,
    flag: true,
    tags: ['a', 'b'],
    meta: { k: [1, { deep: null }] },
    union: 5,
    nullable: 3,
    nullableNull: null,
    optional: null,
    optionalInt: 4,
    either: 'x',
    strNone: null,
    code: '12',
    level: null,
  };
  const form = await post('/kinds', FORM, 'id=1');
  const json = await post('/kinds', 'application/json', '{"id":1}');
  // Before: the form had no `nullableNull`, `optional` nor `level` ("Field required"), `strNone` was "" (ajv's
  // converting null to text), `code` 12; JSON answered 422 `string_type` for the `strNone` it was never sent.
  assert.deepEqual(
    { form: [form.status, form.body], json: [json.status, json.body] },
    { form: [200, expected], json: [200, expected] },
  );
});

test('a default is given as declared, never checked nor converted; what the client sends still is', async () => {
  const answers = [
    // FastAPI's `note: str = None`: null when not sent…
    await post('/kinds', 'application/json', '{"id":2,"level":"x"}'),
    await post('/kinds', FORM, 'id=2&level=x'),
    // …but null sent is no string, in JSON; sent values replace defaults, converted as ever.
    await post('/kinds', 'application/json', '{"id":2,"strNone":null}'),
    await post('/kinds', FORM, 'id=3&strNone=s&flag=off&tags=x&tags=y&nullableNull=n&count=9&optionalInt=8'),
  ];
  const picked = answers.map(({ status, body }) => {
    if (status !== 200) return [status, body];
    const { strNone, level, flag, tags, nullableNull, count, optionalInt } = body as Record<string, unknown>;
    return [status, { strNone, level, flag, tags, nullableNull, count, optionalInt }];
  });
  assert.deepEqual(picked, [
    [200, { strNone: null, level: 'x', flag: true, tags: ['a', 'b'], nullableNull: null, count: 7, optionalInt: 4 }],
    [200, { strNone: null, level: 'x', flag: true, tags: ['a', 'b'], nullableNull: null, count: 7, optionalInt: 4 }],
    [
      422,
      {
        detail: [{ type: 'string_type', loc: ['body', 'strNone'], msg: 'Input should be a valid string', input: null }],
      },
    ],
    [200, { strNone: 's', level: null, flag: false, tags: ['x', 'y'], nullableNull: 'n', count: 9, optionalInt: 8 }],
  ]);
});

test('a null default never fills in a query value: absent stays absent (it was 0, "" or false)', async () => {
  const answer = await fetch(`${server.url}/items`);
  // Before: {"limit":0,"name":"","on":false,"either":0,"page":1} — values nobody sent nor declared.
  assert.deepEqual([answer.status, JSON.parse(await answer.text())], [200, { page: 1 }]);
});
