import { setFlagsFromString } from 'node:v8';

/** How much V8's old generation may grow past what a full collection found live before the next one: 1.5×. */
const HEAP_GROWING_PERCENT = 50;

/**
 * Bounds how far the engine process's heap runs ahead of what it really holds. Left to itself V8 lets the old
 * generation grow to two to four times its live size between full collections — the more so the faster the
 * engine — so an engine keeping its 256 MiB of logs peaked near a gigabyte in the bench's soak. At 1.5× it stayed
 * within 300 MiB of where it started, and spent less time collecting, not more (docs/benchmarks.md). Called by
 * the processes that are the engine (the CLI, the desktop app), not by the library: a test runner's process is
 * its own. V8 reads the setting at every collection, so it applies from the next one.
 */
export function boundEngineHeap(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
