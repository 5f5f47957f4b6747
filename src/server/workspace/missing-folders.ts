import { mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Whether anything is at `path` (what cannot be looked at counts as there: only ENOENT is missing). */
export async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
  );
}

/**
 * `mkdir -p`, one folder at a time from the deepest one there: Node's recursive mkdir never returns under a file
 * system that takes no new folders (in /proc it retries ENOENT forever), and a request must not hang on it. What it
 * made, shallowest first; when one cannot be made, those it made before it are removed again before it throws.
 */
export async function makeFolders(folder: string): Promise<string[]> {
  const missing: string[] = [];
  for (let at = folder; !(await pathExists(at)); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  const made: string[] = [];
  try {
    for (const path of missing) {
      const created = await mkdir(path).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
          return false;
        },
      );
      if (created) made.push(path);
    }
  } catch (error) {
    await removeFolders(made);
    throw error;
  }
  return made;
}

/** Removes folders `makeFolders` made, deepest first; one that is no longer empty stays. */
export async function removeFolders(made: readonly string[]): Promise<void> {
  for (const path of [...made].reverse()) await rmdir(path).catch(() => {});
}
