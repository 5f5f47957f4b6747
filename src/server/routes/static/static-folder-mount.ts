import { realpath } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { Context } from 'koa';
import type { StaticFolder } from '../../../shared/mounts/static-folder';
import { HttpError } from '../../http/http-errors';
import type { IssuePath } from '../../world/mount-validation-error';
import { setAnsweredBy } from '../answered-by';
import type { HttpMountEnv, MountCompileTools } from '../mount-compile-tools';
import { type CompiledPathPattern, compilePathPattern, withPathCharactersDecoded } from '../path-pattern';
import { findFileToSend, sendOpenedFile } from '../send-file';
import { namesNoFile, type OpenedFile, openServable, UnservableFile } from '../servable-file';

/** A folder served under a path prefix. */
export interface StaticFolderMount {
  readonly folder: StaticFolder;
  /** Matches the prefix (`/static` matches `/static` and `/static/…`, not `/statics`). */
  readonly pattern: CompiledPathPattern;
  /** The folder, absolute. */
  readonly root: string;
  /** Where the workspace file is, and the versions of it the engine knew: a folder holding them never serves them. */
  readonly env: HttpMountEnv;
}

export const STATIC_METHODS = ['GET', 'HEAD'] as const;

export function compileStaticFolder(folder: StaticFolder, at: IssuePath, tools: MountCompileTools): StaticFolderMount {
  let pattern = compilePathPattern('', { prefix: true });
  try {
    // Without its trailing slash: a prefix pattern matches itself followed by `/…` or nothing (`` matches all).
    pattern = compilePathPattern(folder.path.replace(/\/+$/, ''), { prefix: true });
    if (pattern.shapes.some((shape) => shape.some((segment) => segment.kind !== 'literal')))
      tools.issues.add([...at, 'path'], 'a static folder is served under a literal path prefix (`/static`)');
  } catch (error) {
    tools.issues.add([...at, 'path'], `invalid path: ${(error as Error).message}`);
  }
  if (folder.folder.includes('\0')) tools.issues.add([...at, 'folder'], 'a folder name cannot contain a NUL character');
  const { env } = tools;
  return {
    folder,
    pattern,
    root: resolve(env.baseDir, folder.folder),
    env,
  };
}

/**
 * Serves the file under the prefix, found by koa-send's rules (content type by extension, `index` for folders, a
 * `.br`/`.gz` twin): paths that leave the folder are refused (403) and hidden files are not served; a link that leads
 * out of the folder, or the workspace file, is refused too (403 saying why). A file that is not there, or is not a
 * regular file (a FIFO, a device, a socket), is not answered, so a later mount may have it (and the request ends
 * `{"detail":"Not Found"}` otherwise). The file is opened once, and what is sent is what was checked.
 */
export async function answerStatic(ctx: Context, mount: StaticFolderMount, matched: string): Promise<boolean> {
  if (!(STATIC_METHODS as readonly string[]).includes(ctx.method)) return false;
  // `/static//a.txt` is `a.txt`, as most servers take it (koa-send would read an absolute path).
  const rest = withPathCharactersDecoded(ctx.path).slice(matched.length).replace(/^\/+/, '/') || '/';
  // A link inside the folder may lead out of it: what is sent must really be in the folder, the index included.
  const realRoot = await realpath(mount.root).catch(() => undefined);
  if (realRoot === undefined) return false;
  /** The file found (the index, for a folder): a refusal names it. */
  let file: string | undefined;
  let opened: OpenedFile;
  try {
    file = await findFileToSend(ctx, rest, { root: mount.root, index: mount.folder.index || false });
    if (file === undefined) return false;
    opened = await openServable(file, realRoot, mount.env);
  } catch (error) {
    // koa-send names a .br/.gz twin before it looks at it: a refused twin leaves no encoding on what answers instead.
    ctx.remove('Content-Encoding');
    const status = (error as { status?: number }).status;
    // A link that leads back to itself names no file, as a dangling one does, and so does one gone since it was found.
    if (status === 404 || namesNoFile(error)) return false;
    if (status === 400 || status === 403) {
      setAnsweredBy(ctx, { kind: 'static', id: mount.folder.id });
      throw new HttpError(status, status === 403 ? refusalDetail(error, mount, file) : badPathDetail(error, rest));
    }
    throw error;
  }
  sendOpenedFile(ctx, file, opened);
  setAnsweredBy(ctx, { kind: 'static', id: mount.folder.id });
  return true;
}

/**
 * A 403 in words, as a response naming the file words it (`route-answer.ts`): why the file is not served (a link out
 * of the folder, the workspace file). koa-send's own 403 is a path that climbs out of the folder (resolve-path's
 * check, on the name alone): said as such, naming nothing, since what it would reach is not the folder's to show.
 */
function refusalDetail(error: unknown, mount: StaticFolderMount, file: string | undefined): string {
  const folder = `Static folder ${mount.folder.id}`;
  if (!(error instanceof UnservableFile) || file === undefined)
    return `${folder}: the path climbs out of its folder (a ".." segment, written or percent-encoded), so it is not served`;
  const name = relative(mount.root, file).split(sep).join('/');
  return `${folder}: file ${JSON.stringify(name)} ${error.message}`;
}

/**
 * koa-send's 400s in words: a path that does not decode, or one resolve-path refuses once decoded for a NUL or for
 * being absolute (a climb out is its 403). koa-send strips `rest`'s leading slash before decoding, so an absolute one
 * began with an encoded slash.
 */
function badPathDetail(error: unknown, rest: string): string {
  if (/decode/i.test((error as Error).message)) {
    return 'Bad Request: the path does not decode (a % not followed by two hex digits, or not UTF-8)';
  }
  const cause = decodeURIComponent(rest).includes('\0')
    ? 'it holds a NUL character (%00)'
    : 'once decoded it begins with a slash (an encoded %2F): name the file relative to the folder';
  return `Bad Request: the path names no file a static folder may serve: ${cause}`;
}
