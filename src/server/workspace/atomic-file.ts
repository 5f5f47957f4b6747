import { randomBytes } from 'node:crypto';
import { type FileHandle, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Points where tests put faults (a full disk, a crash between write and rename). Production code passes none.
 */
export interface AtomicWriteHooks {
  /** Runs before the temp file is created (where an unwritable folder would fail). */
  beforeOpen?(tempPath: string): Promise<void> | void;
  /** Writes one chunk of the data to the open temp file (after the previous ones); default `handle.writeFile`. */
  write?(handle: FileHandle, chunk: string | Uint8Array): Promise<void>;
  /** Runs after the temp file is complete and synced, before it replaces the target. */
  beforeRename?(tempPath: string): Promise<void> | void;
}

const TEMP_SUFFIX = '.tmp';

/** `.mock.agui.json.<random>.tmp` beside the target: same folder, so the rename cannot cross file systems. */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

function isTempOf(file: string, candidate: string): boolean {
  const prefix = `.${basename(file)}.`;
  return (
    candidate.startsWith(prefix) &&
    candidate.endsWith(TEMP_SUFFIX) &&
    /^[0-9a-f]{12}$/.test(candidate.slice(prefix.length, -TEMP_SUFFIX.length))
  );
}

/**
 * Replaces `file` with `data` so that a reader (or the next start after a crash) sees either the old or the
 * new content, never a mix: write a temp file in the same folder, fsync it, rename it over the target, then
 * fsync the folder so the rename itself is durable. On failure the temp file is removed and the target is
 * untouched; the error is rethrown. `data` may come in chunks, made as they are written: the event loop runs
 * between chunks, and a chunk source that throws (a save cut short) abandons the write like any failure.
 * `mode` is the new file's (0o600 for a secret: it never exists, even as the temp file, with more).
 */
export async function writeFileAtomic(
  file: string,
  data: string | Iterable<string | Uint8Array>,
  hooks: AtomicWriteHooks = {},
  mode = 0o644,
): Promise<void> {
  const temp = tempPathFor(file);
  let handle: FileHandle | undefined;
  try {
    await hooks.beforeOpen?.(temp);
    handle = await open(temp, 'wx', mode);
    for (const chunk of typeof data === 'string' ? [data] : data) {
      await (hooks.write ? hooks.write(handle, chunk) : handle.writeFile(chunk, 'utf8'));
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await hooks.beforeRename?.(temp);
    await rename(temp, file);
  } catch (error) {
    await handle?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dirname(file));
}

/** Removes temp files a crashed save left behind (the target itself is still the previous, complete version). */
export async function removeStaleTemps(file: string): Promise<string[]> {
  const folder = dirname(file);
  const names = await readdir(folder).catch(() => [] as string[]);
  const stale = names.filter((name) => isTempOf(file, name));
  await Promise.all(stale.map((name) => unlink(join(folder, name)).catch(() => {})));
  return stale.map((name) => join(folder, name));
}

/** Makes a rename durable. Windows cannot open folders for syncing, some file systems refuse: best effort. */
async function syncDirectory(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM/EINVAL where folders cannot be synced: the rename has still happened.
  } finally {
    await handle?.close().catch(() => {});
  }
}
