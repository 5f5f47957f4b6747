import { setFlagsFromString } from 'node:v8';

/** How much V8's old generation may grow past what a full collection found live before the next one: 1.5×. */
const HEAP_GROWING_PERCENT = 50;

/**
 * Tunes the engine process's garbage collector. Called by the processes that are the engine (the CLI, the desktop
 * app), not by the library: a test runner's process is its own. V8 reads both settings at every collection, so
 * they apply from the next one.
 *
 * - The heap: left to itself V8 lets the old generation grow to two to four times its live size between full
 *   collections — the more so the faster the engine — so an engine keeping its 256 MiB of logs peaked near a
 *   gigabyte in the bench's soak. At 1.5× it stayed within 300 MiB of where it started, and spent less time
 *   collecting, not more.
 * - Young collections on the main thread alone: what survives one is a few MB of live runs, which one thread
 *   copies in milliseconds, while a parallel collection waits for helper threads that a busy machine (the engine
 *   beside a browser, a dev server, the tests driving it) leaves without a core: in one-minute soaks on a loaded
 *   2-core machine the longest pause went from 430–690 ms to 75–165 ms, and the time spent collecting fell too
 *   (docs/benchmarks.md).
 */
export function tuneEngineGc(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  setFlagsFromString('--no-parallel-scavenge');
}
