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
): { path: string; relativeName: string } | { problem: string } {
  if (file.includes('\0')) return { problem: 'a file name cannot contain a NUL character' };
  if (isAbsolute(file) || /^[a-zA-Z]:/.test(file))
    return { problem: `"${file}" is absolute: name a file relative to the workspace folder` };
  const root = resolve(baseDir);
  const path = resolve(root, file);
  const inside = relative(root, path);
  if (!inside || !isWithin(root, path)) return { problem: `"${file}" is outside the workspace folder` };
  if (inside.split(sep).some((segment) => segment.startsWith('.')))
    return { problem: `"${file}" is hidden (a name starting with "."): hidden files are not served` };
  return { path, relativeName: inside.split(sep).join('/') };
}
