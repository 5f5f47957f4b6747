import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { jsonExcerpt } from '../src/server/support/json-excerpt';

test('an excerpt is the start of JSON.stringify, and says whether it is all of it', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 200 }), (value, maxChars) => {
      const json = JSON.stringify(value);
      const { text, complete } = jsonExcerpt(value, maxChars);
      assert.equal(complete, json.length <= maxChars);
      assert.equal(text, json.slice(0, maxChars));
    }),
    { seed: 7, numRuns: 5000 },
  );
});

test('what JSON.stringify cannot write whole costs no more than the excerpt', () => {
  const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  assert.throws(() => JSON.stringify(deep), RangeError);
  assert.deepEqual(jsonExcerpt(deep, 5), { text: '[[[[[', complete: false });
  const wide = Array.from({ length: 1_000_000 }, (_, i) => ({ i }));
  assert.deepEqual(jsonExcerpt(wide, 12), { text: '[{"i":0},{"i', complete: false });
  assert.deepEqual(jsonExcerpt({ long: 'x'.repeat(10_000_000) }, 10), { text: '{"long":"x', complete: false });
});

test('values JSON has no word for are written as JSON.stringify writes them; a BigInt as a string', () => {
  const odd = { skipped: undefined, call: () => 1, list: [undefined, Number.NaN, () => 1, Symbol('s')], big: 1n };
  assert.deepEqual(jsonExcerpt(odd, 100), { text: '{"list":[null,null,null,null],"big":"1"}', complete: true });
});
