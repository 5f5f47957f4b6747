import { randomUUID } from 'node:crypto';
import { link, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
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
 * in time (a stuck holder, a stale lock that cannot be removed). A lock that cannot be made at all (a folder that
 * refuses it) gives a release that does nothing: the caller goes on without it, and its own writes there say why they
 * fail. The file holds its holder's token: a release removes only its own lock, never one taken over since.
 */
export async function takeLockFile(
  lockFile: string,
  { waitMs, staleMs }: LockFileTimes,
): Promise<ReleaseLock | undefined> {
  const deadline = Date.now() + waitMs;
  const token = randomUUID();
  for (;;) {
    try {
      await writeFile(lockFile, token, { flag: 'wx' });
      return () => releaseIfOwn(lockFile, token);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return async () => {};
    }
    const held = await stat(lockFile).catch(() => undefined);
    if (held && Date.now() - held.mtimeMs > staleMs && (await removeStale(lockFile, held.ino, token))) continue;
    if (Date.now() >= deadline) return undefined;
    // Spread out: processes waiting for the same lock do not all try again at the same instant.
    await sleep(5 + Math.random() * 20);
  }
}

/**
 * Removes the stale lock seen as inode `ino`, and only it: moved aside under a name of this taker's first (one of two
 * takers moving it wins, the other finds nothing), then put back if what was moved is a lock made since. False when
 * nothing was removed (it could not be, or someone else did); the caller then waits as for a live lock.
 */
async function removeStale(lockFile: string, ino: number, token: string): Promise<boolean> {
  const aside = `${lockFile}.${token}.stale`;
  try {
    await rename(lockFile, aside);
  } catch {
    return false;
  }
  const moved = await stat(aside).catch(() => undefined);
  if (moved && moved.ino !== ino) {
    // A fresh lock, made after the stale one went: back in place, unless yet another was made meanwhile.
    await link(aside, lockFile).catch(() => {});
    await unlink(aside).catch(() => {});
    return false;
  }
  await unlink(aside).catch(() => {});
  return true;
}

/** Removes the lock if it is still this holder's (a lock taken over as stale is someone else's now). */
async function releaseIfOwn(lockFile: string, token: string): Promise<void> {
  const holder = await readFile(lockFile, 'utf8').catch(() => undefined);
  if (holder === token) await unlink(lockFile).catch(() => {});
}
