import type { Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { nameFitting } from './file-name-fit';

/**
 * Every file (by device and inode) that has been a version of a workspace file, or of one of its backups, while
 * this engine ran and may still be reached under another name. A hard link keeps the inode it was made to, and a
 * save renames a new file over the name: a link made before a save reaches the version it replaced, which the
 * workspace file's inode no longer matches. None of these is served (`HttpMountEnv.isWorkspaceFileVersion`).
 * Kept by workspace file: once the engine serves another, the former one is a file like any other, its versions too.
 */
export class WorkspaceFileVersions {
  private readonly byFile = new Map<string, Set<string>>();

  /** Whether `stats` are of a version of `file` (the workspace file now) or of its backups. */
  includes(file: string | null, stats: Stats): boolean {
    return file !== null && (this.byFile.get(file)?.has(identity(stats)) ?? false);
  }

  /**
   * Remembers the file at `path` as it is now (nothing if it is not there): `file` itself (loaded, saved, seen
   * changed on disk) or a backup of it.
   */
  async remember(file: string, path = file): Promise<void> {
    const stats = await stat(path).catch(() => undefined);
    if (stats?.isFile()) this.versionsOf(file).add(identity(stats));
  }

  /**
   * Remembers the backups (`isBackupName`) of `file` there are now, ones kept before this engine started too: beside
   * it, and beside the file a symbolic link at `file` leads to.
   */
  async rememberBackups(file: string): Promise<void> {
    const places = new Set([file, await realpath(file).catch(() => file)]);
    for (const place of places) {
      const names = await readdir(dirname(place)).catch(() => [] as string[]);
      const backups = names.filter((name) => isBackupName(name, basename(place)));
      await Promise.all(backups.map((name) => this.remember(file, join(dirname(place), name))));
    }
  }

  /**
   * `target` (`file`, or what a link at `file` leads to) is about to be replaced by a save: kept when another name
   * (a hard link) still reaches it afterwards, forgotten otherwise — nothing can reach it then, and its inode number
   * may go to a new file, which must not be taken for it.
   */
  async replacing(file: string, target: string): Promise<void> {
    const stats = await stat(target).catch(() => undefined);
    if (!stats?.isFile()) return;
    if (stats.nlink > 1) this.versionsOf(file).add(identity(stats));
    else this.byFile.get(file)?.delete(identity(stats));
  }

  /** The engine serves `file` now: the versions of any other workspace file are forgotten. */
  keepOnly(file: string): void {
    for (const known of this.byFile.keys()) if (known !== file) this.byFile.delete(known);
  }

  private versionsOf(file: string): Set<string> {
    let versions = this.byFile.get(file);
    if (!versions) {
      versions = new Set();
      this.byFile.set(file, versions);
    }
    return versions;
  }
}

/**
 * Whether `name` is a backup of the workspace file named `fileName`, in its folder: `<file>.bak` or
 * `<file>.<time>.bak` (what a migration keeps when the first is taken), or any other `<file>.….bak`; or unsaved
 * changes kept beside it on shutting down (`unsavedCopyName`). Each holds what the file holds (the gateway's keys).
 */
export function isBackupName(name: string, fileName: string): boolean {
  if (name.startsWith(`${fileName}.`) && name.endsWith('.bak')) return true;
  return isUnsavedCopyName(name, fileName);
}

/** What an untitled world's copy is named after (`WorkspaceService.keepUntitledEdits`). */
export const UNTITLED_COPY = 'untitled';

/**
 * Whether `name` is an unsaved copy `unsavedCopyName` makes of `fileName`: never served (`isNeverServed`), and an
 * untitled world's whatever the workspace is now (one kept by an engine stopped before this one, with its keys).
 */
export function isUnsavedCopyName(name: string, fileName: string = UNTITLED_COPY): boolean {
  return name.startsWith(`${nameFitting(fileName, UNSAVED_NAME_BYTES)}.${UNSAVED}`) && name.endsWith('.json');
}

const UNSAVED = 'unsaved-';
/** What an unsaved copy's name adds to the file's: `.unsaved-`, the time (24), `-<attempt>`, `.json`. */
const UNSAVED_NAME_BYTES = 1 + UNSAVED.length + 24 + 3 + '.json'.length;

/**
 * Where unsaved changes the engine could not write over `file` are kept on shutting down:
 * `<file>.unsaved-<UTC time>.json` beside it (`-<attempt>` added after the first), a workspace to open or compare.
 */
export function unsavedCopyName(file: string, at: number, attempt = 1): string {
  // No colons: they are not allowed in Windows file names.
  const time = new Date(at).toISOString().replaceAll(':', '-');
  // A long name is cut to leave the copy room: a copy that cannot be named loses the changes.
  const stem = join(dirname(file), nameFitting(basename(file), UNSAVED_NAME_BYTES));
  return `${stem}.${UNSAVED}${time}${attempt > 1 ? `-${attempt}` : ''}.json`;
}

function identity(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}
