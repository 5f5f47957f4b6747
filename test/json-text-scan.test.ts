import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonDepth } from '../src/server/support/json-depth';
import { scanJsonText } from '../src/server/support/json-text-scan';

// The look at JSON text before it is parsed: what it counts must be what the parsed value holds, or a valid
// document would be refused (or a hostile one parsed after all).

test('depth counts levels as jsonDepth does, brackets inside strings and after escapes not at all', () => {
  const text = '{"a":"[[\\"[{","b\\\\":"\\\\","c":[[1],{"d":[]}]}';
  assert.equal(jsonDepth(JSON.parse(text)), 4);
  assert.deepEqual(scanJsonText(text, { maxDepth: 4 }), {});
  assert.deepEqual(scanJsonText(text, { maxDepth: 3 }), {
    refusal: { kind: 'too-deep', line: 1, column: text.indexOf('[]') + 1 },
  });
  assert.deepEqual(scanJsonText('[\n [\n  []]]', { maxDepth: 2 }).refusal, { kind: 'too-deep', line: 3, column: 3 });
});

test('keys are counted per object, not in arrays or strings; the one past the limit is where, with its object', () => {
  const text = '{"a":{"x":1,"y":"\\"z\\":1,","z":[{"p":1,"q":2}]},"b":["k","l","m"]}';
  assert.deepEqual(scanJsonText(text, { maxDepth: 10, maxKeys: 3 }), {});
  assert.deepEqual(scanJsonText(text, { maxDepth: 10, maxKeys: 2 }).refusal, {
    kind: 'too-many-keys',
    line: 1,
    column: text.indexOf('"z"') + 1,
    path: ['a'],
  });
  assert.equal(scanJsonText(text, { maxDepth: 10, maxKeys: 1 }).refusal?.column, text.indexOf('"y"') + 1);
});

test('a key written twice does not end the look: what lies after it is still bounded', () => {
  const scan = scanJsonText('{"a":1,"a":2,"b":[[[]]]}', { maxDepth: 3, duplicates: true });
  assert.equal(scan.duplicate?.key, 'a');
  assert.equal(scan.refusal?.kind, 'too-deep');
});

test('text that is not JSON ends the look without a word: JSON.parse says what is wrong', () => {
  for (const broken of ['{"a":"never closed', '{"a\\', ']]]]{"a":1,"a":2}', '{"\\q":1,"\\q":1}', '{"a":1}}},"a",'])
    assert.deepEqual(scanJsonText(broken, { maxDepth: 5, maxKeys: 5, duplicates: true }), {}, broken);
});
