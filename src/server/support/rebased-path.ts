import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * `path` (relative to `from`, or absolute) written so that, read relative to `to`, it names the same file: an
 * absolute path as it is, a relative one rebased (`certs/a.pem` from `/p/old` to `/p/new` is `../old/certs/a.pem`),
 * with `/` between its segments as workspace files write them. Where no relative path leads there (another drive),
 * the absolute one.
 */
export function rebasedPath(path: string, from: string, to: string): string {
  if (isAbsolute(path)) return path;
  const target = resolve(from, path);
  const rebased = relative(to, target);
  if (rebased === '') return '.';
  return isAbsolute(rebased) ? rebased : rebased.split(sep).join('/');
}
