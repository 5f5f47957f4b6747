import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exceedsJsonDepth, jsonDepth } from '../src/server/support/json-depth';

/** `[[[…]]]` nested `levels` deep, built without recursion (as a hostile client would send it, parsed). */
function nested(levels: number): unknown {
  return JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);
}

test('depth counts objects and arrays, not scalars', () => {
  assert.equal(jsonDepth(1), 0);
  assert.equal(jsonDepth('text'), 0);
  assert.equal(jsonDepth(null), 0);
  assert.equal(jsonDepth({}), 1);
  assert.equal(jsonDepth([]), 1);
  assert.equal(jsonDepth({ a: [1, { b: 2 }] }), 3);
  assert.equal(jsonDepth([[1], [[2]], 3]), 3);
});

test('a value far deeper than the stack allows is measured without recursion, and stops at the limit', () => {
  const deep = nested(200_000);
  assert.throws(() => JSON.stringify(deep), RangeError, 'the hazard this guards against');
  assert.equal(jsonDepth(deep, 64), 65);
  assert.equal(exceedsJsonDepth(deep, 64), true);
  assert.equal(exceedsJsonDepth(nested(64), 64), false);
  assert.equal(exceedsJsonDepth(nested(65), 64), true);
});
