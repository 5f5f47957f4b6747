import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SessionHistory } from '../src/server/packs/agora/store/session-history';
import type { HistoryMessage } from '../src/shared/agora-model';

let made = 0;
const message = (): HistoryMessage => Object.freeze({ role: 'user', content: `m${made++}` });

// Each op works on one of the versions made so far (an index, taken modulo their count): appending to an old
// version, after a newer one grew the shared buffer, is the case that must copy.
const op = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('append' as const), of: fc.nat(), count: fc.integer({ min: 0, max: 40 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('without' as const),
      of: fc.nat(),
      from: fc.nat({ max: 5 }),
      count: fc.integer({ min: -1, max: 60 }),
    }),
  },
  fc.record({ op: fc.constant('read' as const), of: fc.nat() }),
);

test('every version of a history keeps its own messages, however the versions after it append and evict', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 120 }), fc.integer({ min: 0, max: 10 }), (ops, initial) => {
      const first = Array.from({ length: initial }, message);
      const versions = [{ history: SessionHistory.of(first), model: first }];
      for (const step of ops) {
        const { history, model } = versions[step.of % versions.length] as (typeof versions)[number];
        if (step.op === 'read') {
          assert.deepEqual(history.messages, model);
        } else if (step.op === 'append') {
          const added = Array.from({ length: step.count }, message);
          versions.push({ history: history.appended(added), model: [...model, ...added] });
        } else {
          const removed = Math.max(0, Math.min(step.count, model.length - step.from));
          const kept = removed === 0 ? model : [...model.slice(0, step.from), ...model.slice(step.from + removed)];
          versions.push({ history: history.without(step.from, step.count), model: kept });
        }
      }
      for (const { history, model } of versions) {
        assert.equal(history.length, model.length);
        assert.deepEqual(history.messages, model);
        assert.ok(Object.isFrozen(history.messages));
        assert.equal(history.messages, history.messages, 'one frozen array per version');
      }
    }),
    { numRuns: 300 },
  );
});

test('a session that appends and evicts on every run keeps its buffer within twice its length', () => {
  let history = SessionHistory.of([]);
  for (let run = 0; run < 5_000; run++) {
    const grown = history.appended([message(), message(), message()]);
    history = grown.without(0, Math.max(0, grown.length - 100));
  }
  assert.equal(history.length, 100);
  const buffer = (history as unknown as { buffer: HistoryMessage[] }).buffer;
  assert.ok(buffer.length <= 2 * 100 + 64 + 3, `buffer of ${buffer.length} for 100 messages`);
  assert.deepEqual(
    history.messages.map((entry) => entry.content),
    Array.from({ length: 100 }, (_, index) => `m${made - 100 + index}`),
  );
});
