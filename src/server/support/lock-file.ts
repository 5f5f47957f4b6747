import { open, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LockFileTimes {
  /** How long to wait while another process holds the lock. */
  waitMs: number;
  /** A lock older than this was left by a process that died holding it, and is taken over. */
  staleMs: number;
}

/** What releases a lock that is held: removes its file. */
export type ReleaseLock = () => Promise<void>;

/**
 * Holds `lockFile` across processes: created exclusively, so one process at a time has it; while another does,
 * polled until it is gone (or stale) for up to `waitMs`. Resolves with its release; undefined when it could not be had
 * in time (a stuck holder). A lock that cannot be made at all (a folder that refuses it) gives a release that does
 * nothing: the caller goes on without it, and its own writes there say why they fail.
 */
export async function takeLockFile(
  lockFile: string,
  { waitMs, staleMs }: LockFileTimes,
): Promise<ReleaseLock | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await (await open(lockFile, 'wx')).close();
      return () => unlink(lockFile).catch(() => {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return async () => {};
    }
    const held = await stat(lockFile).catch(() => undefined);
    if (held && Date.now() - held.mtimeMs > staleMs) {
      await unlink(lockFile).catch(() => {});
      continue;
    }
    if (Date.now() >= deadline) return undefined;
    // Spread out: processes waiting for the same lock do not all try again at the same instant.
    await sleep(5 + Math.random() * 20);
  }
}
