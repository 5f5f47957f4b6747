import assert from 'node:assert/strict';
import { test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { JsonSchemas } from '../src/server/routes/json-schemas';
import type { JsonObject } from '../src/shared/json-value';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { loopHoldUpDuring } from './helpers/loop-delay';

// ajv's own `uniqueItems` compared every item with every other when items may be arrays or objects: 40,000
// one-number lists (309 KB) held the event loop 7.9 s, 80,000 (629 KB, under the default body limit) 31.6 s.
// The replacement keys each item by its canonical JSON, and reports what ajv reported.

const ANY_ITEMS: JsonObject = { type: 'array', uniqueItems: true };
/** ajv checks scalar items its own way, and names the pair the other way round: kept so. */
const INTEGERS: JsonObject = { type: 'array', items: { type: 'integer' }, uniqueItems: true };

const duplicate = (i: number, j: number) => ({
  keyword: 'uniqueItems',
  params: { i, j },
  message: `must NOT have duplicate items (items ## ${j} and ${i} are identical)`,
});

const schemas = new JsonSchemas();

function uniqueErrors(schema: JsonObject, value: unknown, input: 'json' | 'text' = 'json') {
  const check = schemas.compile(schema, input);
  return check(value)?.map(({ keyword, params, message }) => ({ keyword, params, message }));
}

test('equal items are found whatever their key order or number text; different ones are not', () => {
  const equalPairs: [unknown, unknown][] = [
    [
      [1, [2]],
      [1, [2]],
    ],
    [
      { a: 1, b: { c: [1, 2] } },
      { b: { c: [1, 2] }, a: 1 },
    ],
    [JSON.parse('1'), JSON.parse('1.0')],
    [JSON.parse('{"n":[1e2]}'), JSON.parse('{"n":[100.0]}')],
    [[[[{ x: null }]]], [[[{ x: null }]]]],
    // Keys that name Object.prototype's members are plain keys (ajv's compare threw on `valueOf`).
    [{ valueOf: 1 }, { valueOf: 1 }],
    [{ constructor: {} }, { constructor: {} }],
    [JSON.parse('{"__proto__":[1]}'), JSON.parse('{"__proto__":[1]}')],
  ];
  for (const [a, b] of equalPairs) {
    assert.deepEqual(uniqueErrors(ANY_ITEMS, ['x', a, 'y', b]), [duplicate(3, 1)], JSON.stringify(a));
  }
  const differentPairs: [unknown, unknown][] = [
    [1, '1'],
    [{ a: 1 }, { a: '1' }],
    [
      [1, 2],
      [2, 1],
    ],
    [['a,b'], ['a', 'b']],
    [
      ['a', 'b'],
      ['a"', '"b'],
    ],
    [{ a: 1 }, { a: 1, b: 1 }],
    [{ a: [] }, { a: {} }],
    [null, 'null'],
    [[], {}],
    [JSON.parse('{"__proto__":1}'), {}],
  ];
  for (const [a, b] of differentPairs) assert.equal(uniqueErrors(ANY_ITEMS, [a, b]), undefined, JSON.stringify(a));
  assert.equal(uniqueErrors({ type: 'array', uniqueItems: false }, [[1], [1]]), undefined);
  // ajv's `__proto__` index missed these.
  assert.deepEqual(uniqueErrors({ ...INTEGERS, items: { type: 'string' } }, ['__proto__', '__proto__']), [
    duplicate(0, 1),
  ]);
  // Text converted to the declared type first, as ajv did.
  assert.deepEqual(uniqueErrors(INTEGERS, ['1', 2, '1.0'], 'text'), [duplicate(0, 2)]);
});

test('the same errors, pair and order as ajv reported, on random arrays', () => {
  const cases: JsonObject[] = [
    ANY_ITEMS,
    INTEGERS,
    { type: 'array', items: { type: ['integer', 'string'] }, uniqueItems: true, maxItems: 5 },
    { type: 'array', items: { type: 'string', nullable: true }, uniqueItems: true },
    { type: 'array', contains: { const: 0 }, maxContains: 1, uniqueItems: true, minItems: 9 },
  ];
  // ajv's own keyword, as createAjv configured it before.
  const stock = new Ajv2020({ allErrors: true, strict: false, logger: false, verbose: true });
  const pool = [0, 1, 1.5, '1', 'a', null, true, [0], [1, 0], { a: 0 }, { b: [0] }, { a: 0, b: [0] }];
  let seed = 7;
  const random = (below: number) => {
    seed = (seed * 48_271) % 2_147_483_647;
    return seed % below;
  };
  for (const schema of cases) {
    const expected = stock.compile(schema);
    const actual = schemas.compile(schema, 'json');
    for (let round = 0; round < 300; round++) {
      const value = Array.from({ length: random(10) }, () => structuredClone(pool[random(pool.length)]));
      const reversedKeys = JSON.parse(JSON.stringify(value), (_key, item) =>
        item && typeof item === 'object' && !Array.isArray(item)
          ? Object.fromEntries(Object.entries(item).reverse())
          : item,
      );
      expected(value);
      const want = expected.errors?.map(({ keyword, params, message, instancePath }) => ({
        keyword,
        params,
        message,
        instancePath,
      }));
      const got = actual(reversedKeys)?.map(({ keyword, params, message, instancePath }) => ({
        keyword,
        params,
        message,
        instancePath,
      }));
      assert.deepEqual(got, want, `${JSON.stringify(schema)} ${JSON.stringify(value)}`);
    }
  }
});

test('nesting deeper than the stack goes is compared without recursion', () => {
  const deep = () => {
    let value: unknown = 'end';
    for (let level = 0; level < 100_000; level++) value = level % 2 ? [value] : { a: value };
    return value;
  };
  assert.deepEqual(uniqueErrors(ANY_ITEMS, [deep(), deep()]), [duplicate(1, 0)]);
});

const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);
for (const [id, schema] of [
  ['any', ANY_ITEMS],
  ['ints', INTEGERS],
] as const) {
  const stored = await api.put(`/routes/${id}`, {
    id,
    method: 'POST',
    path: `/${id}`,
    validate: { body: schema },
    responses: [{ id: 'ok', body: { json: 'ok' } }],
  });
  assert.equal(stored.status, 201, JSON.stringify(stored.body));
}

async function post(path: string, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, text: await response.text() };
}

test('a route answers duplicates as it did with ajv, byte for byte', async () => {
  assert.deepEqual(await post('/any', '[{"a":1,"b":[2,{"c":3}]},2,{"b":[2,{"c":3}],"a":1.0},2.0]'), {
    status: 422,
    text: '{"detail":[{"type":"value_error","loc":["body"],"msg":"Value error, must NOT have duplicate items (items ## 1 and 3 are identical)","input":[{"a":1,"b":[2,{"c":3}]},2,{"b":[2,{"c":3}],"a":1},2]}]}',
  });
  assert.deepEqual(await post('/ints', '[1,2,1,3,2]'), {
    status: 422,
    text: '{"detail":[{"type":"value_error","loc":["body"],"msg":"Value error, must NOT have duplicate items (items ## 4 and 1 are identical)","input":[1,2,1,3,2]}]}',
  });
  assert.equal((await post('/any', '[[1,2],[2,1],{"a":1},{"a":"1"},1,"1"]')).status, 200);
  // ajv's compare threw here: a 500.
  assert.equal((await post('/any', '[{"valueOf":1},{"valueOf":1}]')).status, 422);
});

test('a list of 80,000 lists is checked without holding the event loop', async () => {
  const lists = Array.from({ length: 80_000 }, (_, n) => [n]);
  const distinct = JSON.stringify(lists);
  // The equal pair first: ajv compared every other pair before reaching it.
  const repeated = JSON.stringify([[0], ...lists]);
  const answers: { status: number; text: string }[] = [];
  const holdUp = await loopHoldUpDuring(async () => {
    answers.push(await post('/any', distinct), await post('/any', repeated));
  });
  assert.equal(answers[0]?.status, 200, answers[0]?.text.slice(0, 200));
  assert.equal(answers[1]?.status, 422);
  assert.match(answers[1]?.text ?? '', /must NOT have duplicate items \(items ## 0 and 1 are identical\)/);
  // ajv's own held it over 30 s on each; this takes tens of milliseconds. Generous, for a busy 2-core machine.
  assert.ok(holdUp.busyMs < 2_000, `the event loop was held ${holdUp.busyMs.toFixed(0)} ms`);
});
