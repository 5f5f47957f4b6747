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
