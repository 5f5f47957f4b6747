import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CollectionSchema } from '../src/shared/mounts/collection';
import type { NearMiss } from '../src/shared/mounts/match-report';
import { type RouteInput, RouteSchema } from '../src/shared/mounts/route';
import { startMountsApp } from './helpers/http-mounts-app';

const route = (input: RouteInput) => RouteSchema.parse(input);
const app = await startMountsApp({
  routes: [
    route({ id: 'items', path: '/items/:id', responses: [{ id: 'ok', body: { json: 'item' } }] }),
    route({
      id: 'search',
      path: '/search',
      responses: [
        { id: 'page-2', when: { query: { page: '2' } }, body: { json: 'page 2' } },
        {
          id: 'with-token',
          when: { headers: { 'x-token': { exists: true } }, query: { q: { regex: '^[a-z]+$' } } },
          body: { json: 'token' },
        },
      ],
    }),
    route({
      id: 'create-order',
      method: 'POST',
      path: '/orders',
      responses: [{ id: 'vip', when: { body: [{ path: '$.tier', equals: 'gold' }] }, body: { json: 'vip' } }],
    }),
    route({ id: 'status', path: '/status', responses: [{ id: 'ok' }] }),
    route({ id: 'deep', path: '/a/b/c/d', responses: [{ id: 'ok' }] }),
  ],
  collections: [CollectionSchema.parse({ id: 'users', path: '/users' })],
});

const missesFor = async (path: string, init?: RequestInit) => {
  const response = await fetch(`${app.base}${path}`, init);
  assert.equal(response.status, 404);
  assert.deepEqual(await response.json(), { detail: 'Not Found' });
  return app.nearMisses(response) as NearMiss[];
};

test('a failed condition is the closest miss, with each condition that failed and its response', async () => {
  const [closest, ...rest] = await missesFor('/search?page=3&q=A1');
  assert.deepEqual(closest, {
    mount: { kind: 'route', id: 'search' },
    method: 'GET',
    path: '/search',
    distance: 0.1,
    reasons: [
      { part: 'query', message: 'query.page: expected "2", got "3"', responseId: 'page-2' },
      { part: 'query', message: 'query.q: expected to match /^[a-z]+$/, got "A1"', responseId: 'with-token' },
      { part: 'headers', message: 'header x-token missing', responseId: 'with-token' },
    ],
  });
  assert.ok(rest.every((miss) => miss.distance > 0.1));
});

test('a wrong method and a mistyped segment are named', async () => {
  const [method] = await missesFor('/status', { method: 'POST' });
  assert.deepEqual(method, {
    mount: { kind: 'route', id: 'status' },
    method: 'GET',
    path: '/status',
    distance: 0.25,
    reasons: [{ part: 'method', message: 'method: expected GET, got POST' }],
  });
  const [typo] = await missesFor('/itemz/1');
  assert.deepEqual(typo?.mount, { kind: 'route', id: 'items' });
  assert.deepEqual(typo?.reasons, [{ part: 'path', message: 'path segment 1: expected "items", got "itemz"' }]);
  const [short] = await missesFor('/a/b/c');
  assert.deepEqual(short?.reasons, [{ part: 'path', message: 'path: 1 segment missing ("/d")' }]);
  const [long] = await missesFor('/status/extra');
  assert.deepEqual(long?.reasons, [{ part: 'path', message: 'path: 1 segment too many ("/extra")' }]);
});

test('a condition on the body reports what the body had', async () => {
  const [order] = await missesFor('/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"tier":"silver"}',
  });
  assert.deepEqual(order?.reasons, [
    { part: 'body', message: 'body $.tier: expected "gold", got "silver"', responseId: 'vip' },
  ]);
  const [none] = await missesFor('/orders', { method: 'POST' });
  assert.deepEqual(none?.reasons, [
    { part: 'body', message: 'body $.tier missing (expected "gold") (the request has no body)', responseId: 'vip' },
  ]);
});

test('collections are candidates once, at their closest; at most three misses; nothing far is suggested', async () => {
  const [users] = await missesFor('/user/1', { method: 'DELETE' });
  assert.deepEqual(users?.mount, { kind: 'collection', id: 'users' });
  assert.equal(users?.path, '/users/:id');
  const many = await missesFor('/a', { method: 'PATCH' });
  assert.ok(many.length <= 3);
  assert.deepEqual(await missesFor('/completely/unrelated/place/here'), []);
});
