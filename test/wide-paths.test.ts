import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathForm, WidePaths, widerPathBecause } from '../src/server/world/shadowed-paths';

// An import compares each route only with the earlier ones `WidePaths` files where they could cover it: every path
// that covers it must be among them, in the order added, or a route would be placed or warned about wrongly.

const SEGMENTS = ['a', 'b', ':id', ':x', '*rest', ':n.json', 'a.json', '', '{:opt}', 'ü', '%C3%BC', 'A'];

/** Paths of up to four segments, with parameters, wildcards, mixed and optional parts, and ones that do not compile. */
function randomPaths(count: number, seed: number): string[] {
  let state = seed;
  const next = (below: number) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return Math.floor((state / 0x80000000) * below);
  };
  return Array.from({ length: count }, () => {
    const path = Array.from({ length: next(5) }, () => `/${SEGMENTS[next(SEGMENTS.length)]}`).join('');
    return [path, `${path}/`, path || '/', 'relative', '/{unclosed'][next(5)] as string;
  });
}

test('the paths filed that cover a path are all among those offered for it, in the order they were added', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const paths = randomPaths(60, seed).map((text) => ({ text, path: pathForm(text) }));
    const wide = new WidePaths<(typeof paths)[number]>();
    for (const [index, later] of paths.entries()) {
      const covering = paths
        .slice(0, index)
        .filter((earlier) => widerPathBecause(earlier.path, later.path) !== undefined);
      const offered = wide.mayCover(later.path);
      assert.deepEqual(
        offered.filter((earlier) => widerPathBecause(earlier.path, later.path) !== undefined),
        covering,
        `${later.text} after ${paths.slice(0, index).map((earlier) => earlier.text)}`,
      );
      wide.add(later.path, later);
    }
  }
});

test('a path is offered only those that could cover it: of as many segments, or ending in a wildcard, and the same first text', () => {
  const wide = new WidePaths<string>();
  for (const text of ['/users/:id', '/orgs/:id', '/:kind/:id', '/users/:id/posts', '/files/*rest', '/users/me'])
    wide.add(pathForm(text), text);
  assert.deepEqual(wide.mayCover(pathForm('/users/me')), ['/users/:id', '/:kind/:id', '/files/*rest']);
  assert.deepEqual(wide.mayCover(pathForm('/users/:id/likes')), ['/users/:id/posts', '/files/*rest']);
  assert.deepEqual(wide.mayCover(pathForm('/teams/:id/posts')), ['/files/*rest']);
  assert.deepEqual(wide.mayCover(pathForm('/{a}')), [], 'one with optional parts is compared as the same path only');
});
