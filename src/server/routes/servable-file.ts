import { realpathSync, type Stats } from 'node:fs';
import { fileKind } from '../support/file-kind';
import { isWithin } from '../support/path-within';

/** Why a file a mount names is not sent: `status` 403 (a link out of its folder) or 404 (not a regular file). */
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
 * inside `realRoot`. Checked before the file is opened: opening a FIFO waits for a writer in one of Node's few
 * file-system threads (a handful of requests would hold them all), and a device or socket is no file to send.
 */
export function checkServable(path: string, stats: Stats, realRoot: string): void {
  if (!isWithin(realRoot, realpathSync(path)))
    throw new UnservableFile(403, 'is reached through a link out of its folder');
  if (!stats.isFile()) throw new UnservableFile(404, `is not a regular file (it is ${fileKind(stats)})`);
}
