import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JSONPath } from 'jsonpath-plus';
import { compileJsonPath, JSON_PATH_STEP_LIMIT } from '../src/server/routes/json-path';
import { compileBodyCondition, type RequestValues } from '../src/server/routes/request-conditions';
import { MountIssues } from '../src/server/world/mount-validation-error';
import type { BodyCondition } from '../src/shared/mounts/route';

/** The reviewer's first body: 60 levels of 50 numbers (~10 KB). */
function wideBody(): unknown {
  let body: unknown = {};
  for (let level = 0; level < 60; level++) body = { nums: Array.from({ length: 50 }, (_, i) => i + level), next: body };
  return body;
}

/** The reviewer's second body: `{"a":{"a":…}}` 60 deep (~700 bytes). */
function deepBody(): unknown {
  let body: unknown = { b: 1 };
  for (let level = 0; level < 60; level++) body = { a: body, b: level };
  return body;
}

/** Values at depth ≥ `depth` (under a key named `key`, if given), counted by a plain walk. */
function countBelow(json: unknown, depth: number, key?: string, at = 0, name?: string): number {
  const here = at >= depth && (key === undefined || name === key) ? 1 : 0;
  if (json === null || typeof json !== 'object') return here;
  return Object.entries(json).reduce((sum, [child, value]) => sum + countBelow(value, depth, key, at + 1, child), here);
}

const jsonValues = (value: unknown): RequestValues => ({
  params: {},
  query: {},
  headers: {},
  body: { kind: 'json', value: value as never },
  bodyValue: value,
});

function condition(body: BodyCondition): (values: RequestValues) => string | undefined {
  const issues = new MountIssues();
  const failure = compileBodyCondition(body, ['when', 'body', 0], issues);
  assert.equal(issues.count, 0);
  assert.ok(failure);
  return failure;
}

test("the reviewer's $..*..*..* on 60 levels of 50 numbers: each node 3 deep or more, once, in bounded steps", () => {
  const body = wideBody();
  const result = compileJsonPath('$..*..*..*').evaluate(body);
  assert.ok(result.complete);
  assert.equal(result.values.length, countBelow(body, 3));
  assert.ok(result.steps < 100_000, `${result.steps} steps`);
  // Deterministic: the same steps each time.
  assert.equal(compileJsonPath('$..*..*..*').evaluate(body).steps, result.steps);
  assert.equal(condition({ path: '$..*..*..*', exists: true })(jsonValues(body)), undefined);
});

test("the reviewer's $..a..a..a..a..a..a..a..a on a body nested 60 deep answers at once", () => {
  const path = `$${'..a'.repeat(8)}`;
  const body = deepBody();
  const result = compileJsonPath(path).evaluate(body);
  assert.ok(result.complete);
  // Each `a` at depth 8 or more, once (jsonpath-plus would list it once per choice of 7 `a`s above it).
  assert.equal(result.values.length, countBelow(body, 8, 'a'));
  assert.equal(result.values.length, 53);
  assert.ok(result.steps < 10_000, `${result.steps} steps`);
  assert.equal(condition({ path, exists: true })(jsonValues(body)), undefined);
  assert.match(condition({ path, equals: 'nope' })(jsonValues(body)) ?? '', /body \$\.\.a/);
});

test('past the step limit a path selects nothing, and says it stopped', () => {
  const body = new Array(JSON_PATH_STEP_LIMIT + 1).fill(0);
  const result = compileJsonPath('$..*').evaluate(body);
  assert.deepEqual(result.values, []);
  assert.equal(result.complete, false);
  assert.equal(result.steps, JSON_PATH_STEP_LIMIT + 1);
  // Not worked out is not "absent": no condition holds on it, `exists: false` included.
  for (const exists of [true, false])
    assert.equal(
      condition({ path: '$..*', exists })(jsonValues(body)),
      `body $..*: the JSONPath took more than ${JSON_PATH_STEP_LIMIT} steps on this body, so it was not checked`,
    );
});

test('a long filter counts for its length on every node it looks at', () => {
  const filter = `$[?(${Array(100).fill('@ > 1').join(' && ')})]`;
  const small = compileJsonPath(filter).evaluate([1, 2, 3]);
  assert.deepEqual(small.values, [2, 3]);
  assert.ok(small.steps > 3 * 300, `${small.steps} steps`);
  assert.equal(compileJsonPath(filter).evaluate(new Array(20_000).fill(2)).complete, false);
});

test('the parent selector ^ is refused where the path is stored, saying what to do instead', () => {
  assert.throws(() => compileJsonPath('$..*^*'), /parent selector \^ is not supported; filter the parent instead/);
  const issues = new MountIssues();
  compileBodyCondition({ path: '$.items[0]^', exists: true }, ['when', 'body', 0], issues);
  assert.equal(issues.count, 1);
});

test('ordinary paths answer as jsonpath-plus does', () => {
  const body = {
    customer: { tier: 'gold', id: 7 },
    items: [
      { id: 1, sku: 'VIP-1', price: 5, tags: ['a', 'b'] },
      { id: 2, sku: 'STD-2', price: 12, tags: ['b'], extra: { id: 3 } },
    ],
    note: 'urgent',
  };
  for (const path of [
    '$',
    '$.items[0].id',
    '$.items[*].sku',
    '$..id',
    '$..*',
    '$.items[-1:]',
    '$.items[0:2].price',
    "$['note','customer']",
    '$.items[?(@.price < 10)].sku',
    '$.items[?(@.price > 10 && @.sku == "STD-2")].id',
    '$..[?(@.id === 3)]',
    '$.items[?(@.tags[(@.length-1)])].id',
    '$.items[(@.length-1)].id',
    '$.customer.*~',
    '$..price@number()',
    '$.missing',
  ]) {
    assert.deepEqual(compileJsonPath(path).select(body), JSONPath({ path, json: body, wrap: true }), path);
  }
});

test('a body that is null, 0 or false is still a body: $ selects it', () => {
  for (const value of [null, 0, false, '']) {
    assert.deepEqual(compileJsonPath('$').select(value), [value]);
    assert.deepEqual(compileJsonPath('$.a').select(value), []);
  }
  assert.equal(condition({ path: '$', equals: null })(jsonValues(null)), undefined);
});
