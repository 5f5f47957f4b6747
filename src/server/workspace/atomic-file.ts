import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import {
  type FileHandle,
  link,
  lstat,
  open,
  readdir,
  readlink,
  realpath,
  rename,
  stat,
  unlink,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { nameFitting } from './file-name-fit';

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
/** What a temp file's name adds to the target's: `.`, `.<12 hex digits>`, `.tmp`. */
const TEMP_NAME_BYTES = 1 + 13 + TEMP_SUFFIX.length;

/** `.mock.agui.json.<random>.tmp` beside the target: same folder, so the rename cannot cross file systems. */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.${tempStem(file)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

/** The target's name as its temp files begin (cut to leave them room). */
function tempStem(file: string): string {
  return nameFitting(basename(file), TEMP_NAME_BYTES);
}

function isTempOf(file: string, candidate: string): boolean {
  const prefix = `.${tempStem(file)}.`;
  return (
    candidate.startsWith(prefix) &&
    candidate.endsWith(TEMP_SUFFIX) &&
    /^[0-9a-f]{12}$/.test(candidate.slice(prefix.length, -TEMP_SUFFIX.length))
  );
}

/** How `writeFileAtomic` treats the file it replaces. */
export interface AtomicWriteOptions {
  /**
   * Permission bits of a file that does not exist yet (default 0o644, less the umask). A file that exists keeps its
   * own (a `chmod 600` workspace holding API keys stays 0600), but never more than a `mode` given here: 0o600 for a
   * secret means it never exists, not even as the temp file, with more.
   */
  mode?: number;
  /**
   * Runs last before the rename, once the temp file is complete (after `hooks.beforeRename`), with the path about to
   * be replaced: throwing leaves that file untouched (the temp file is removed) and is what the write throws.
   */
  beforeReplace?(target: string): Promise<void> | void;
  /**
   * Creates the file, never replaces one: the complete temp file is hard-linked to the target, which fails with
   * EEXIST when something is there (a file made meanwhile included), then removed. Where the file system has no
   * hard links, the target is checked for and renamed onto instead.
   */
  exclusive?: boolean;
}

const DEFAULT_MODE = 0o644;
/** As the kernel's limit on symbolic links followed in one path. */
const MAX_LINKS = 40;

/**
 * Replaces `file` with `data` so that a reader (or the next start after a crash) sees either the old or the
 * new content, never a mix: write a temp file in the same folder, fsync it, rename it over the target, then
 * fsync the folder so the rename itself is durable. On failure the temp file is removed and the target is
 * untouched; the error is rethrown. `data` may come in chunks, made as they are written: the event loop runs
 * between chunks, and a chunk source that throws (a save cut short) abandons the write like any failure.
 * A symbolic link is written through: what is replaced is the file it points to (the temp file beside that), and
 * the link stays a link. An existing file keeps its permissions (and, where allowed, its owner); see
 * `AtomicWriteOptions.mode`.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Iterable<string | Uint8Array>,
  hooks: AtomicWriteHooks = {},
  { mode: askedMode, beforeReplace, exclusive = false }: AtomicWriteOptions = {},
): Promise<void> {
  const target = await writeTarget(file);
  const existing = await stat(target).catch(() => undefined);
  const keep = existing?.isFile() ? existing : undefined;
  const mode = keep ? keep.mode & 0o7777 & (askedMode ?? 0o7777) : (askedMode ?? DEFAULT_MODE);
  const temp = tempPathFor(target);
  let handle: FileHandle | undefined;
  try {
    await hooks.beforeOpen?.(temp);
    handle = await open(temp, 'wx', mode);
    if (keep) await keepOwnerAndMode(handle, keep, mode);
    for (const chunk of typeof data === 'string' ? [data] : data) {
      await (hooks.write ? hooks.write(handle, chunk) : handle.writeFile(chunk, 'utf8'));
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await hooks.beforeRename?.(temp);
    await beforeReplace?.(target);
    if (exclusive) await linkExclusively(temp, target);
    else await rename(temp, target);
  } catch (error) {
    await handle?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dirname(target));
}

/** Puts the complete `temp` at `target` unless something is there (EEXIST), then removes `temp`. */
async function linkExclusively(temp: string, target: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (error) {
    if (!NO_HARD_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    if (
      await lstat(target).then(
        () => true,
        () => false,
      )
    ) {
      throw Object.assign(new Error(`EEXIST: file already exists, ${target}`), { code: 'EEXIST' });
    }
    await rename(temp, target);
    return;
  }
  await unlink(temp);
}

/** What `link` fails with on file systems without hard links (FAT, some network shares). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * The path a write to `file` replaces: `file` itself, or the file a symbolic link at `file` points to (through
 * every link, also one to a file not there yet), so the link is not replaced by a plain file.
 */
export async function writeTarget(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch {
    // Not there (yet): follow the links there are by hand, as far as they go.
  }
  let path = file;
  for (let links = 0; links < MAX_LINKS; links++) {
    let link: string;
    try {
      link = await readlink(path);
    } catch {
      return path; // not a link (or not there): this is the file to write
    }
    path = resolve(dirname(path), link);
  }
  throw Object.assign(new Error(`too many symbolic links: ${file}`), { code: 'ELOOP' });
}

/**
 * The temp file gets the replaced file's owner where allowed (as root, or a group of ours), then its mode exactly
 * (the umask narrowed what `open` gave it).
 */
async function keepOwnerAndMode(handle: FileHandle, existing: Stats, mode: number): Promise<void> {
  const made = await handle.stat();
  if (made.uid !== existing.uid || made.gid !== existing.gid) {
    await handle.chown(existing.uid, existing.gid).catch(() => {});
  }
  if ((made.mode & 0o7777) !== mode) await handle.chmod(mode);
}

/** Removes temp files a crashed save left behind (the target itself is still the previous, complete version). */
export async function removeStaleTemps(file: string): Promise<string[]> {
  const target = await writeTarget(file).catch(() => file);
  // Beside a link's target, where saves write now; and beside the link, where they wrote before.
  const places = target === file ? [file] : [target, file];
  const removed: string[] = [];
  for (const place of places) {
    const folder = dirname(place);
    const names = await readdir(folder).catch(() => [] as string[]);
    const stale = names.filter((name) => isTempOf(place, name));
    await Promise.all(stale.map((name) => unlink(join(folder, name)).catch(() => {})));
    removed.push(...stale.map((name) => join(folder, name)));
  }
  return removed;
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
