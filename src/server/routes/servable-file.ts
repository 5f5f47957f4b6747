import { constants, realpathSync, type Stats, statSync } from 'node:fs';
import { type FileHandle, lstat, open, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileKind } from '../support/file-kind';
import { isWithin } from '../support/path-within';
import { isBackupName, isUnsavedCopyName } from '../workspace/workspace-file-versions';
import type { HttpMountEnv } from './mount-compile-tools';

/**
 * Why a file a mount names is not sent: `status` 403 (a link out of its folder, the workspace file, a file replaced
 * while it was opened) or 404 (not a regular file).
 */
export class UnservableFile extends Error {
  constructor(
    readonly status: 403 | 404,
    message: string,
  ) {
    super(message);
    this.name = 'UnservableFile';
  }
}

type WorkspaceEnv = Pick<HttpMountEnv, 'workspaceFile' | 'isWorkspaceFileVersion'>;

const NAMES_NO_FILE: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP']);

/**
 * Whether the file system's `error` says the name names no file to send: nothing there (or gone since it was found),
 * a file where a folder should be, a name too long, a symbolic link that leads back to itself.
 */
export function namesNoFile(error: unknown): boolean {
  const { code } = error as NodeJS.ErrnoException;
  return code !== undefined && NAMES_NO_FILE.has(code);
}

/**
 * A file opened to be sent: its descriptor, its stats as the descriptor gives them (what is sent), and the real path
 * it was opened by (to open it again, as `openAsChecked` does, once the descriptor is closed).
 */
export interface OpenedFile {
  readonly handle: FileHandle;
  readonly stats: Stats;
  readonly real: string;
}

/**
 * Opens the file at `path` (links followed) to be sent, once, when `checkServable` allows it, and only the very file
 * it checked (`openAsChecked`). Throws `UnservableFile` (a file the engine may not read, too: 403, not a 500), or the
 * file system's error when there is no such file.
 */
export async function openServable(path: string, realRoot: string, env: WorkspaceEnv): Promise<OpenedFile> {
  try {
    const { real, stats } = await checkServable(path, realRoot, env);
    return await openAsChecked(real, stats);
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code !== 'EACCES' && code !== 'EPERM') throw error;
    throw new UnservableFile(403, `cannot be read by the engine (${code}: permission denied)`);
  }
}

/**
 * Throws `UnservableFile` unless `path` (links followed) is a regular file whose real path is inside `realRoot` and
 * is not the workspace file (by any name, a hard link's too), one of its backups, or a version of either the engine
 * has known (`env`: a hard link made before a save reaches the version the save replaced). Returns its real path and
 * what is there. Checked before the file is opened: opening a FIFO waits for a writer in one of Node's few
 * file-system threads (a handful of requests would hold them all), and a device or socket is no file to send.
 * Asynchronous throughout: on a slow file system one request's checks hold no other request.
 */
export async function checkServable(
  path: string,
  realRoot: string,
  env: WorkspaceEnv,
): Promise<{ real: string; stats: Stats }> {
  const real = await realpath(path);
  if (!isWithin(realRoot, real)) throw new UnservableFile(403, 'is reached through a link out of its folder');
  const stats = await lstat(real);
  if (isNeverServed(real, stats, await workspaceFileNow(env), env))
    throw new UnservableFile(
      403,
      "is the workspace file (or its backup), which is never served: it may hold the gateway's keys",
    );
  if (!stats.isFile()) throw new UnservableFile(404, `is not a regular file (it is ${fileKind(stats)})`);
  return { real, stats };
}

/**
 * Opens `real` for reading, refusing anything but the file `checked` describes: between a check and an open the name
 * may be given to another file (a link to the workspace file or out of the folder, a FIFO), and what is sent must be
 * what was checked. O_NONBLOCK: a FIFO put there opens at once instead of waiting for a writer; O_NOFOLLOW: a link
 * put there is not followed. The descriptor's own stats then decide: a regular file, of the checked device and inode.
 */
export async function openAsChecked(real: string, checked: Stats): Promise<OpenedFile> {
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);
  const handle = await open(real, flags).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ELOOP' ? replaced() : error;
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new UnservableFile(404, `is not a regular file (it is ${fileKind(stats)})`);
    if (stats.dev !== checked.dev || stats.ino !== checked.ino) throw replaced();
    return { handle, stats, real };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function replaced(): UnservableFile {
  return new UnservableFile(403, 'was replaced by another file while it was being opened, so it is not served');
}

/**
 * Why a response naming `path` (the absolute path a literal `name` resolves to) would never be served because it is
 * the workspace file, one of its backups or a version of either the engine has known (`env`), by the rule
 * `checkServable` applies to each request — found when the route is stored, so it is refused saying so rather than
 * answering 403 to every request. Undefined when it is not (or the world has no file).
 */
export function workspaceFileProblem(path: string, env: WorkspaceEnv, name: string) {
  const workspaceFile = env.workspaceFile?.();
  if (!workspaceFile) return undefined;
  const workspace = {
    real: realPathOrSelf(workspaceFile),
    stats: statSync(workspaceFile, { throwIfNoEntry: false }),
  };
  if (!isNeverServed(realPathOf(path), statSync(path, { throwIfNoEntry: false }), workspace, env)) return undefined;
  return `${JSON.stringify(name)} is the workspace file (or its backup), which is never served (it may hold the gateway's keys): name another file`;
}

/** The workspace file as it is now: its real path (its own when it has none) and its stats (none when it is gone). */
interface WorkspaceFileNow {
  readonly real: string;
  readonly stats: Stats | undefined;
}

async function workspaceFileNow(env: WorkspaceEnv): Promise<WorkspaceFileNow | undefined> {
  const file = env.workspaceFile?.();
  if (!file) return undefined;
  const [real, stats] = await Promise.all([realpath(file).catch(() => file), stat(file).catch(() => undefined)]);
  return { real, stats };
}

/**
 * Whether the file at real path `real` (`stats`: what it is, when it exists) is the workspace file (`workspace`),
 * one of its backups, a version of either the engine has known, or an untitled world's unsaved copy: the one rule of
 * `checkServable` and `workspaceFileProblem`. A hard link shares no path with the file, only its device and inode.
 */
function isNeverServed(
  real: string,
  stats: Stats | undefined,
  workspace: WorkspaceFileNow | undefined,
  env: WorkspaceEnv,
): boolean {
  if (isUnsavedCopyName(basename(real))) return true;
  if (workspace) {
    if (real === workspace.real) return true;
    if (dirname(real) === dirname(workspace.real) && isBackupName(basename(real), basename(workspace.real)))
      return true;
    if (stats && workspace.stats && stats.ino === workspace.stats.ino && stats.dev === workspace.stats.dev) return true;
  }
  return stats !== undefined && (env.isWorkspaceFileVersion?.(stats) ?? false);
}

/** The real path of `path`, or of its folder joined with its name when it does not exist (yet). */
function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return join(realPathOrSelf(dirname(path)), basename(path));
  }
}

function realPathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
