import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How long a test waits for something that should happen (a frame, a file, a process's output, a page element).
 * Generous on purpose: a wait ends as soon as its condition holds, so the bound only costs time when something is
 * really broken, and CI's shared 2-core machine, running two test files and a browser at once, can be many
 * times slower than a developer's laptop.
 */
export const WAIT_MS = 30_000;

/** Resolves once `check` holds, polling (for what has no event to wait on); fails naming `what` after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = WAIT_MS,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
