import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpMounts } from '../src/server/routes/http-mounts';
import { PathIndex } from '../src/server/routes/path-index';
import { compilePathPattern } from '../src/server/routes/path-pattern';
import { type RouteInput, RouteSchema } from '../src/shared/mounts/route';
import { DEFAULT_SETTINGS } from '../src/shared/settings';
import { startMountsApp } from './helpers/http-mounts-app';

const env = { baseDir: process.cwd(), settings: () => DEFAULT_SETTINGS };
const route = (input: RouteInput) => RouteSchema.parse(input);

/** A realistic table of `size` routes: resources under /api/v1 with list, item and nested paths, every method. */
function table(size: number) {
  const methods = ['GET', 'POST', 'PUT', 'DELETE'] as const;
  return Array.from({ length: size }, (_, index) =>
    route({
      id: `r${index}`,
      method: methods[index % methods.length],
      path:
        index % 3 === 0
          ? `/api/v1/res${index}`
          : index % 3 === 1
            ? `/api/v1/res${index}/:id`
            : `/api/v1/res${index}/:id/sub/*rest`,
      responses: [{ id: 'ok' }],
    }),
  );
}

test('matching among 1,000 routes tries no more candidates than among 10', () => {
  const small = HttpMounts.compile({ routes: table(10) }, env);
  const large = HttpMounts.compile({ routes: table(1000) }, env);
  const requests: [string, string][] = [
    ['GET', '/api/v1/res0'],
    ['POST', '/api/v1/res1/42'],
    ['PUT', '/api/v1/res2/7/sub/a/b'],
    ['DELETE', '/api/v1/res3'],
    ['GET', '/api/v1/nothing'],
  ];
  for (const [method, path] of requests) {
    const [few, many] = [small.candidateCount(method, path), large.candidateCount(method, path)];
    assert.ok(many <= few, `${method} ${path}: ${many} candidates among 1000 vs ${few} among 10`);
    assert.ok(many <= 1, `${method} ${path}: ${many} candidates`);
  }
});

test('the index keeps table order across literal and parameter routes, and ANY', () => {
  const index = new PathIndex<string>();
  let priority = 0;
  const add = (name: string, path: string, methods: string[]) =>
    index.add(name, priority++, compilePathPattern(path).literalPrefix, methods);
  add('catch-all', '/*rest', ['*']);
  add('items', '/items/:id', ['GET']);
  add('item-one', '/items/1', ['GET']);
  add('optional', '/items{/:id}', ['GET']);
  add('partial', '/items-:kind', ['GET']);
  add('other', '/other', ['GET']);
  // `/items-:kind` has no whole literal segment: it is tried everywhere, in its place.
  assert.deepEqual(index.candidates('GET', '/items/1'), ['catch-all', 'items', 'item-one', 'optional', 'partial']);
  assert.deepEqual(index.candidates('POST', '/items/1'), ['catch-all']);
  assert.deepEqual(index.candidates('GET', '/items-big'), ['catch-all', 'partial']);
  assert.deepEqual(index.candidates('GET', '/other'), ['catch-all', 'partial', 'other']);
});

test('literal prefixes stop at the first parameter, wildcard or optional part', () => {
  const prefix = (path: string) => compilePathPattern(path).literalPrefix;
  assert.deepEqual(prefix('/api/v1/items/:id'), ['api', 'v1', 'items']);
  assert.deepEqual(prefix('/files/*path'), ['files']);
  assert.deepEqual(prefix('/items{/:id}'), ['items']);
  assert.deepEqual(prefix('/x{-:y}/z'), []);
  assert.deepEqual(prefix('/a/:x.json'), ['a']);
  assert.deepEqual(prefix('/items/'), ['items']);
  assert.deepEqual(prefix('/'), []);
});

test('a trailing slash is tolerated both ways: in the path a client sends, and in the pattern', () => {
  const matches = (pattern: string, path: string) => compilePathPattern(pattern).match(path)?.params;
  for (const [pattern, path] of [
    ['/items', '/items/'],
    ['/items/', '/items'],
    ['/items/', '/items/'],
    ['/items//', '/items'],
  ]) {
    assert.deepEqual(matches(pattern as string, path as string), {}, `${pattern} matches ${path}`);
  }
  assert.deepEqual(matches('/items/:id/', '/items/5'), { id: '5' });
  assert.equal(matches('/items/', '/items/5'), undefined);
  assert.deepEqual(matches('/', '/'), {});
});

test('over HTTP, an earlier wildcard route still comes first when its conditions hold', async () => {
  const app = await startMountsApp({
    routes: [
      route({
        id: 'maintenance',
        method: 'ANY',
        path: '/*rest',
        responses: [{ id: 'down', when: { headers: { 'x-maintenance': 'on' } }, status: 503, body: { json: 'down' } }],
      }),
      route({ id: 'item', path: '/items/:id', responses: [{ id: 'ok', body: { json: '{{params.id}}' } }] }),
    ],
  });
  assert.deepEqual(await (await fetch(`${app.base}/items/5`)).json(), '5');
  const down = await fetch(`${app.base}/items/5`, { headers: { 'x-maintenance': 'on' } });
  assert.equal(down.status, 503);
});
