import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { SessionRecord } from '../src/server/packs/agora/store/recorded-history';
import { SessionHistory } from '../src/server/packs/agora/store/session-history';
import { SessionTable } from '../src/server/packs/agora/store/session-table';
import type { SessionMetadata } from '../src/shared/agora-model';

function record(activityMs: number, recorded: number, byRun: boolean): SessionRecord {
  const metadata = { lastActivity: new Date(activityMs).toISOString() } as SessionMetadata;
  return { metadata, history: SessionHistory.of([]), recorded, recordedBytes: recorded * 7, byRun };
}

const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
// Few distinct times, so ties (kept in the order the sessions came in) are common.
const write = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('set' as const),
      id: ids,
      activity: fc.integer({ min: 0, max: 5 }),
      recorded: fc.integer({ min: 0, max: 3 }),
      byRun: fc.boolean(),
    }),
  },
  fc.record({ op: fc.constant('delete' as const), id: ids }),
);

test('the table lists the sessions the limits may take least recently active first, and keeps their totals', () => {
  fc.assert(
    fc.property(fc.array(write, { maxLength: 60 }), ids, (writes, except) => {
      const table = new SessionTable();
      // The model: a Map (it keeps the order ids came in, also when one is set again), sorted when asked.
      const model = new Map<string, SessionRecord>();
      for (const step of writes) {
        if (step.op === 'set') {
          const value = record(step.activity * 1000, step.recorded, step.byRun);
          table.set(step.id, value);
          model.set(step.id, value);
        } else {
          assert.equal(table.delete(step.id), model.delete(step.id));
        }
        const expected = [...model]
          .filter(([id, value]) => id !== except && (value.recorded > 0 || value.byRun))
          .sort(([, a], [, b]) => Date.parse(a.metadata.lastActivity) - Date.parse(b.metadata.lastActivity));
        assert.deepEqual([...table.leastRecentlyActive(except)], expected);
        const values = [...model.values()];
        assert.equal(
          table.recordedMessages,
          values.reduce((sum, value) => sum + value.recorded, 0),
        );
        assert.equal(
          table.recordedBytes,
          values.reduce((sum, value) => sum + value.recordedBytes, 0),
        );
        assert.equal(table.runSessions, values.filter((value) => value.byRun).length);
        assert.deepEqual([...table.entries()], [...model]);
      }
    }),
    { numRuns: 300 },
  );
});
