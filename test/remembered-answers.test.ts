import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RememberedAnswers } from '../src/server/support/remembered-answers';

test('remembered answers stay within their bound: the oldest goes first, a key past the length limit is not kept', () => {
  const answers = new RememberedAnswers<number>(3, 8);
  for (const [key, answer] of [
    ['a', 1],
    ['b', 2],
    ['c', 3],
  ] as const)
    answers.remember(key, answer);
  assert.equal(answers.get('a'), 1);
  answers.remember('d', 4);
  assert.equal(answers.get('a'), undefined, 'the oldest made room');
  assert.deepEqual(
    ['b', 'c', 'd'].map((key) => answers.get(key)),
    [2, 3, 4],
  );
  answers.remember('x'.repeat(9), 9);
  assert.equal(answers.get('x'.repeat(9)), undefined, 'too long to keep');
  assert.equal(answers.get('b'), 2, 'and nothing made room for it');
  answers.remember('12345678', 8);
  assert.equal(answers.get('12345678'), 8, 'at the limit is kept');
});
