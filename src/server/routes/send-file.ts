import { extname } from 'node:path';
import type { Context } from 'koa';
import { koaSend } from '../support/koa-send-on-first-use';
import { bodyAtItsLength } from './file-body-length';
import type { OpenedFile } from './servable-file';

/** Thrown from koa-send's `setHeaders`, the last thing it calls before it opens the file by path: it is not let to. */
class Found {
  constructor(readonly file: string) {}
}

/**
 * The file koa-send would send for `name` under `root`, found by its rules but not opened (koa-send would open it by
 * path, after it was checked: by then the name may be another file's): the name decoded (400 when it does not), 400
 * for a NUL or an absolute name, 403 for one that climbs out, `index` for a folder, a `.br`/`.gz` twin when the client
 * takes that encoding (its `Content-Encoding` set). Undefined when koa-send would send nothing (a hidden file, a
 * folder without `index`); throws koa-send's errors (404 when there is no such file).
 */
export async function findFileToSend(
  ctx: Context,
  name: string,
  options: { root: string; index: string | false },
): Promise<string | undefined> {
  try {
    await koaSend()(ctx, name, {
      ...options,
      hidden: false,
      setHeaders: (_response, file) => {
        throw new Found(file);
      },
    });
    return undefined;
  } catch (error) {
    if (error instanceof Found) return error.file;
    throw error;
  }
}

/** The name ending a twin has, by the encoding koa-send set for it. */
const TWIN_ENDINGS = new Map([
  ['br', '.br'],
  ['gzip', '.gz'],
]);

/**
 * Sends `opened` (what `file`, from `findFileToSend`, named when it was checked and opened) with the headers koa-send
 * gives a file: its length, `Last-Modified` and `Cache-Control: max-age=0` unless set already, and its content type
 * by extension unless set (a twin's by the name without `.br`/`.gz`; a twin also says `Vary: Accept-Encoding`, so a
 * cache keeps it from clients that do not take it). The body is the descriptor, at its length.
 */
export function sendOpenedFile(ctx: Context, file: string, opened: OpenedFile): void {
  const { stats } = opened;
  if (!ctx.response.get('Last-Modified')) ctx.set('Last-Modified', stats.mtime.toUTCString());
  if (!ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'max-age=0');
  const ending = TWIN_ENDINGS.get(String(ctx.response.get('Content-Encoding')));
  const twin = ending !== undefined && file.endsWith(ending);
  if (twin) ctx.vary('Accept-Encoding');
  if (!ctx.type) ctx.type = extname(twin ? file.slice(0, -ending.length) : file);
  ctx.body = bodyAtItsLength(opened, file);
  ctx.length = stats.size;
}
