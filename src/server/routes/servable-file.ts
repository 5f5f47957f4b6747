import { realpathSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileKind } from '../support/file-kind';
import { isWithin } from '../support/path-within';
import { isBackupName } from '../workspace/workspace-file-versions';
import type { HttpMountEnv } from './mount-compile-tools';

/**
 * Why a file a mount names is not sent: `status` 403 (a link out of its folder, the workspace file) or 404 (not a
 * regular file).
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

/**
 * Throws `UnservableFile` unless `path` (as koa-send stat-ed it, links followed) is a regular file whose real path is
 * inside `realRoot` and is not the workspace file (by any name, a hard link's too), one of its backups, or a version
 * of either the engine has known (`env`: a hard link made before a save reaches the version the save replaced).
 * Checked before the file is opened: opening a FIFO waits for a writer in one of Node's few file-system threads (a
 * handful of requests would hold them all), and a device or socket is no file to send.
 */
export function checkServable(
  path: string,
  stats: Stats,
  realRoot: string,
  env: Pick<HttpMountEnv, 'workspaceFile' | 'isWorkspaceFileVersion'>,
): void {
  const real = realpathSync(path);
  if (!isWithin(realRoot, real)) throw new UnservableFile(403, 'is reached through a link out of its folder');
  if (isNeverServed(real, stats, env))
    throw new UnservableFile(
      403,
      "is the workspace file (or its backup), which is never served: it may hold the gateway's keys",
    );
  if (!stats.isFile()) throw new UnservableFile(404, `is not a regular file (it is ${fileKind(stats)})`);
}

/**
 * Why a response naming `path` (the absolute path a literal `name` resolves to) would never be served because it is
 * the workspace file, one of its backups or a version of either the engine has known (`env`), by the rule
 * `checkServable` applies to each request — found when the route is stored, so it is refused saying so rather than
 * answering 403 to every request. Undefined when it is not (or the world has no file).
 */
export function workspaceFileProblem(
  path: string,
  env: Pick<HttpMountEnv, 'workspaceFile' | 'isWorkspaceFileVersion'>,
  name: string,
) {
  if (!env.workspaceFile?.()) return undefined;
  if (!isNeverServed(realPathOf(path), statSync(path, { throwIfNoEntry: false }), env)) return undefined;
  return `${JSON.stringify(name)} is the workspace file (or its backup), which is never served (it may hold the gateway's keys): name another file`;
}

/**
 * Whether the file at real path `real` (`stats`: what it is, when it exists) is the workspace file, one of its
 * backups, or a version of either the engine has known: the one rule of `checkServable` and `workspaceFileProblem`.
 */
function isNeverServed(
  real: string,
  stats: Stats | undefined,
  env: Pick<HttpMountEnv, 'workspaceFile' | 'isWorkspaceFileVersion'>,
): boolean {
  const workspaceFile = env.workspaceFile?.();
  if (workspaceFile && (isWorkspaceFileOrBackup(real, workspaceFile) || (stats && isSameFile(stats, workspaceFile))))
    return true;
  return stats !== undefined && (env.isWorkspaceFileVersion?.(stats) ?? false);
}

/** The real path of `path`, or of its folder joined with its name when it does not exist (yet). */
function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}

/** Whether `stats` are of `file` under another name: a hard link shares no path with it, only its inode. */
function isSameFile(stats: Stats, file: string): boolean {
  const own = statSync(file, { throwIfNoEntry: false });
  return own !== undefined && own.ino === stats.ino && own.dev === stats.dev;
}

/** `file` itself or one of its backups (`isBackupName`), by real path: a link to it counts. */
function isWorkspaceFileOrBackup(real: string, file: string): boolean {
  let realFile: string;
  try {
    realFile = realpathSync(file);
  } catch {
    realFile = file;
  }
  if (real === realFile) return true;
  return dirname(real) === dirname(realFile) && isBackupName(basename(real), basename(realFile));
}
