import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_LISTED_ISSUES, type ValidationIssue } from '../src/server/http/http-errors';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// A hostile body can break a schema once per item of a long list: the 422 lists the first problems and counts the
// rest, and neither wording them all nor a spread of that many arguments (a stack overflow, once) is attempted.

const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);
const TAGS = { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' } } } };
const EITHER = {
  type: 'object',
  properties: { tags: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'boolean' }] } } },
};
const answer = { responses: [{ id: 'ok', body: { json: '{"ok": true}' } }] };
assert.equal(
  (await api.post('/routes', { id: 'tags', method: 'POST', path: '/tags', validate: { body: TAGS }, ...answer }))
    .status,
  201,
);
assert.equal(
  (await api.post('/routes', { id: 'either', method: 'POST', path: '/either', validate: { body: EITHER }, ...answer }))
    .status,
  201,
);
assert.equal((await api.post('/collections', { id: 'lists', path: '/lists', schema: TAGS })).status, 201);
const PAGES = {
  type: 'object',
  properties: { a: { type: 'integer' }, b: { type: 'integer' }, c: { type: 'integer' } },
};
assert.equal(
  (
    await api.post('/routes', {
      id: 'both',
      method: 'POST',
      path: '/both',
      validate: { query: PAGES, body: TAGS },
      ...answer,
    })
  ).status,
  201,
);

async function send(
  method: string,
  path: string,
  body: unknown,
): Promise<{ status: number; detail: ValidationIssue[] }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, detail: (JSON.parse(text) as { detail: ValidationIssue[] }).detail };
}

/** A 422 listing the first problems, then one issue counting the rest. */
function assertBounded(detail: ValidationIssue[], found: number, first: (string | number)[]): void {
  assert.equal(detail.length, MAX_LISTED_ISSUES + 1);
  assert.deepEqual(detail[0]?.loc, first);
  assert.equal(detail[0]?.type, 'string_type');
  const last = detail.at(-1);
  assert.equal(last?.type, 'too_many_errors');
  assert.deepEqual(last?.loc, ['body']);
  assert.equal(last?.ctx?.unlisted, found - MAX_LISTED_ISSUES);
  assert.match(String(last?.msg), new RegExp(`^${found - MAX_LISTED_ISSUES} more problems not listed`));
}

test('a route body breaking its schema 130,000 times: a 422 with the first problems and a count of the rest', async () => {
  const tags = Array(130_000).fill(1);
  const { status, detail } = await send('POST', '/tags', { tags });
  assert.equal(status, 422);
  assertBounded(detail, tags.length, ['body', 'tags', 0]);
  const few = await send('POST', '/tags', { tags: [1, 'a', 2] });
  assert.deepEqual(
    few.detail.map((issue) => issue.loc),
    [
      ['body', 'tags', 0],
      ['body', 'tags', 2],
    ],
    'a few problems are all listed, with nothing counted',
  );
});

test('a union broken by every item of a long list is reported without comparing each problem with each union', async () => {
  // Each item's union fails the same way: one union of the schema, however many items report it.
  const tags = Array(40_000).fill(1);
  const { status, detail } = await send('POST', '/either', { tags });
  assert.equal(status, 422);
  assert.equal(detail.length, MAX_LISTED_ISSUES + 1);
  assert.deepEqual(detail[0]?.loc, ['body', 'tags', 0]);
  assert.equal(detail.at(-1)?.ctx?.unlisted, tags.length - MAX_LISTED_ISSUES);
});

test('a collection record breaking its schema 130,000 times, on create, replace and patch: the same bounded 422', async () => {
  const tags = Array(130_000).fill(1);
  const created = await send('POST', '/lists', { id: 1, tags: ['a'] });
  assert.equal(created.status, 201);
  for (const [method, path] of [
    ['POST', '/lists'],
    ['PUT', '/lists/1'],
    ['PATCH', '/lists/1'],
  ] as const) {
    const { status, detail } = await send(method, path, { tags });
    assert.equal(status, 422, method);
    assertBounded(detail, tags.length, ['body', 'tags', 0]);
  }
  const kept = await fetch(`${server.url}/lists/1`);
  assert.deepEqual(await kept.json(), { id: 1, tags: ['a'] }, 'nothing refused was stored');
});

test('the count of what is not listed is per part of the request: here the body, after the query listed first', async () => {
  const tags = Array(130_000).fill(1);
  const { status, detail } = await send('POST', '/both?a=x&b=y&c=z', { tags });
  assert.equal(status, 422);
  assert.deepEqual(
    detail.slice(0, 4).map((issue) => issue.loc),
    [
      ['query', 'a'],
      ['query', 'b'],
      ['query', 'c'],
      ['body', 'tags', 0],
    ],
  );
  assert.equal(detail.length, MAX_LISTED_ISSUES + 1);
  const last = detail.at(-1);
  assert.deepEqual(last?.loc, ['body']);
  assert.equal(last?.ctx?.unlisted, tags.length - (MAX_LISTED_ISSUES - 3));
});
