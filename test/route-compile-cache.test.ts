import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mountCompileTools } from '../src/server/routes/mount-compile-tools';
import { RouteCompileCache } from '../src/server/routes/route-compile-cache';
import type { CompiledRoute } from '../src/server/routes/route-compiler';
import { type RouteInput, RouteSchema } from '../src/shared/mounts/route';
import { DEFAULT_SETTINGS } from '../src/shared/settings';

// An edit compiles only the routes it adds or changes: compiling the whole table again made each edit of a
// 2,000-route table cost ~35 ms (several hundred at 10,000). What is compiled is observed by identity: a route taken
// from the cache keeps its compiled responses, one compiled again gets new ones.

const env = (baseDir = '/work/space') => ({ baseDir, settings: () => DEFAULT_SETTINGS });
const route = (id: string, input: Partial<RouteInput> = {}) =>
  RouteSchema.parse({
    id,
    path: `/${id}/:n`,
    responseMode: 'sequential',
    responses: [
      { id: 'a', template: true, body: { json: { n: '{{params.n}}' } } },
      { id: 'b', body: { json: { second: true } } },
    ],
    validate: { query: { type: 'object', properties: { q: { type: 'integer' } } } },
    ...input,
  });
const compile = (routes: ReturnType<typeof route>[], previous?: RouteCompileCache, baseDir?: string) => {
  const tools = mountCompileTools(env(baseDir));
  const compiled = RouteCompileCache.compile(routes, tools, (index) => ['routes', index], previous);
  tools.issues.throwIfAny();
  return compiled;
};

/** The response a `sequential` route of two answers next (0, then 1): where its sequence stands. */
const nextAnswer = (compiled: CompiledRoute | undefined) => compiled?.pick(2, () => true);

test('an edit takes every route whose definition is the same from the routes served, and compiles only the others', () => {
  const a = route('a');
  const b = route('b');
  const first = compile([a, b]);
  // Route a answered once (response 0): its sequential position is what it remembers.
  assert.equal(nextAnswer(first.routes[0]), 0);
  const changedB = route('b', { path: '/b2/:n' });
  const c = route('c');
  // The same JSON in a new object (the console sends the whole list back) is the same route.
  const second = compile([RouteSchema.parse(JSON.parse(JSON.stringify(a))), changedB, c], first.cache);
  assert.equal(second.routes[0]?.responses, first.routes[0]?.responses, 'route a is not compiled again');
  assert.equal(nextAnswer(second.routes[0]), 1, 'and keeps its place in its sequence');
  assert.notEqual(second.routes[1]?.responses, first.routes[1]?.responses, 'the changed route is compiled');
  assert.equal(second.routes[1]?.route.path, '/b2/:n');
  assert.ok(second.routes[2], 'the new one too');
  // A route moved keeps its compiled self as well.
  const moved = compile([c, a], second.cache);
  assert.equal(moved.routes[0]?.responses, second.routes[2]?.responses);
  assert.equal(moved.routes[1]?.responses, first.routes[0]?.responses);
});

test('another folder compiles every route again (files resolve from it), keeping what routes remember', () => {
  const a = route('a');
  const first = compile([a]);
  assert.equal(nextAnswer(first.routes[0]), 0);
  const elsewhere = compile([a], first.cache, '/elsewhere');
  assert.notEqual(elsewhere.routes[0]?.responses, first.routes[0]?.responses);
  assert.equal(nextAnswer(elsewhere.routes[0]), 1, 'its place in its sequence kept');
});

test('past twice the routes the world has compiled into it (at least 256), the cache starts afresh', () => {
  const kept = route('kept');
  let current = compile([kept]);
  const keptResponses = current.routes[0]?.responses;
  assert.equal(nextAnswer(current.routes[0]), 0);
  let fresh = 0;
  // Each edit changes one other route: one compile each, into the same template engine and validators.
  for (let edit = 0; edit < 300; edit++) {
    current = compile([kept, route('edited', { path: `/edited-${edit}/:n` })], current.cache);
    if (current.routes[0]?.responses !== keptResponses) {
      fresh = edit;
      break;
    }
  }
  // With 256 routes compiled into it (the first and 255 edits' own) it takes one more edit; with 257 the next edit
  // compiles both routes again, into a new template engine and validators.
  assert.equal(fresh, 256);
  assert.equal(nextAnswer(current.routes[0]), 1, 'its place in its sequence kept');
});

test('an edit refused leaves the routes served as they were, and counts toward starting afresh', () => {
  const a = route('a');
  const first = compile([a]);
  assert.throws(() => compile([a, route('bad', { path: '/bad/:' })], first.cache), /path/);
  const after = compile([a, route('b')], first.cache);
  assert.equal(after.routes[0]?.responses, first.routes[0]?.responses);
  // What refused edits compiled stays in the shared engine and validators too, and counts: once more than 256 routes
  // (a, b and the refused ones) were compiled into them, the next edit starts afresh.
  for (let edit = 0; edit < 255; edit++)
    assert.throws(() => compile([a, route('bad', { path: `/bad-${edit}/:` })], after.cache), /path/);
  const fresh = compile([a, route('b')], after.cache);
  assert.notEqual(fresh.routes[0]?.responses, first.routes[0]?.responses);
});

test('over any sequence of edits, each route served is the one compiled from its own definition', () => {
  // A small pool of definitions, so that edits often bring back one seen before (taken from the cache).
  const variants = (id: string) => [
    route(id),
    route(id, { path: `/${id}/other/:n` }),
    route(id, { method: 'POST' }),
    route(id, { responses: [{ id: 'only', body: { json: { id } } }] }),
  ];
  const pool = ['a', 'b', 'c', 'd', 'e'].flatMap(variants);
  // mulberry32: a fixed sequence, every edit kind often.
  let seed = 7;
  const random = (below: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
  let routes: ReturnType<typeof route>[] = [];
  let current = compile(routes);
  for (let edit = 0; edit < 600; edit++) {
    const next = [...routes];
    const pick = pool[random(pool.length)] as ReturnType<typeof route>;
    const at = next.findIndex((existing) => existing.id === pick.id);
    if (at === -1) next.splice(random(next.length + 1), 0, pick);
    else if (random(4) === 0) next.splice(at, 1);
    else if (random(3) === 0) next.splice(random(next.length), 0, ...next.splice(at, 1));
    else next[at] = pick;
    routes = next;
    current = compile(routes, current.cache);
    assert.equal(current.routes.length, routes.length);
    current.routes.forEach((compiled, index) => {
      const definition = routes[index];
      assert.equal(JSON.stringify(compiled.route), JSON.stringify(definition), `edit ${edit}, route ${index}`);
      assert.equal(compiled.pattern.source, definition?.path);
      assert.deepEqual(
        compiled.responses.map(({ response }) => response),
        definition?.responses,
      );
      assert.deepEqual(compiled.methods, definition?.method === 'GET' ? ['GET', 'HEAD'] : [definition?.method]);
    });
  }
});
