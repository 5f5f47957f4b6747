import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConcurrencyLimit } from '../src/server/support/concurrency-limit';

test('a concurrency limit runs at most its number of tasks at once, the rest in the order they came', async () => {
  const limit = new ConcurrencyLimit(2);
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const releases: (() => void)[] = [];
  const tasks = Array.from({ length: 6 }, (_, index) =>
    limit.run(async () => {
      running++;
      most = Math.max(most, running);
      started.push(index);
      await new Promise<void>((resolve) => releases.push(resolve));
      running--;
      if (index === 3) throw new Error('task 3 failed');
      return index;
    }),
  );
  const settled = Promise.allSettled(tasks);
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  await settle();
  // Each task finishing lets the next waiting one in; a failed one frees its slot too.
  for (let released = 0; released < 6; released++) {
    assert.equal(running, Math.min(2, 6 - released), `before releasing task ${released}`);
    assert.equal(started.length, Math.min(6, released + 2));
    releases[released]?.();
    await settle();
  }
  const results = await settled;
  assert.equal(most, 2);
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(
    results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message)),
    [0, 1, 2, 'task 3 failed', 4, 5],
  );
  // Free again: a task now runs at once.
  assert.equal(await limit.run(async () => 'at once'), 'at once');
});
