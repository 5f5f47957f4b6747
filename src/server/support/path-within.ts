import { isAbsolute, relative, sep } from 'node:path';

/**
 * Whether `path` is `folder` or inside it, as the two are written (resolve links first where they matter). A name
 * that only starts with two dots (`..notes`) is inside; `..` and what is under it are not.
 */
export function isWithin(folder: string, path: string): boolean {
  const inside = relative(folder, path);
  return inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside);
}
