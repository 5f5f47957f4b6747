import { isAbsolute, relative, resolve, sep } from 'node:path';
import { isWithin } from '../support/path-within';

/**
 * Where a file a response names lives: inside `baseDir` (the workspace file's folder), never outside it, never
 * hidden (a dot file or folder). Returns the absolute path and the name relative to the folder without `.` or `..`
 * segments (`x/../a.json` and `../folder/a.json` are both `a.json` in `folder`), or what is wrong with the name.
 */
export function workspaceFilePath(
  baseDir: string,
  file: string,
  folder = '',
): { path: string; relativeName: string } | { problem: string } {
  if (file.includes('\0')) return { problem: 'a file name cannot contain a NUL character' };
  if (isAbsolute(file) || /^[a-zA-Z]:/.test(file))
    return { problem: `"${file}" is absolute: name a file relative to the workspace folder` };
  const root = resolve(baseDir);
  const path = resolve(root, file);
  const inside = relative(root, path);
  if (!inside || !isWithin(root, path)) return { problem: `"${file}" is outside the workspace folder` };
  if (folder && !isWithin(resolve(root, folder), path))
    return { problem: `"${file}" is outside ${folder}/, the folder its template names` };
  if (inside.split(sep).some((segment) => segment.startsWith('.')))
    return { problem: `"${file}" is hidden (a name starting with "."): hidden files are not served` };
  return { path, relativeName: inside.split(sep).join('/') };
}

/**
 * The folder a templated file name's fixed start names (`files` for `files/user-{{params.id}}.json`; empty when the
 * template starts with a value): a name the request fills in is served from there, never from beside it, so a
 * `..` in a parameter cannot reach the workspace file or anything else the folder holds.
 */
export function templateFolder(source: string): string {
  const fixed = source.slice(0, source.indexOf('{{'));
  return fixed.slice(0, Math.max(0, fixed.lastIndexOf('/')));
}
