import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { eventually } from './wait';

/** V8's `gc()`, without starting node with `--expose-gc` (the test runner starts the test processes). */
export function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Collects garbage until every object `held` refers to is gone (failing after `eventually`'s time). */
export async function collectedAll(held: readonly WeakRef<object>[], what: string): Promise<void> {
  const collect = garbageCollector();
  await eventually(() => {
    collect();
    return held.every((ref) => ref.deref() === undefined);
  }, what);
}

/**
 * Bytes of ArrayBuffers alive after collecting until the figure stops moving: V8 frees the buffers a collection
 * found dead off the main thread, so one reading right after `gc()` may still count the garbage of earlier tests.
 */
export async function settledArrayBuffers(): Promise<number> {
  const collect = garbageCollector();
  let last = Number.NaN;
  await eventually(async () => {
    collect();
    await new Promise((resolve) => setImmediate(resolve));
    const now = process.memoryUsage().arrayBuffers;
    const settled = now === last;
    last = now;
    return settled;
  }, 'ArrayBuffers settled after a collection');
  return last;
}
