import { type FSWatcher, type Stats, statSync, watch } from 'node:fs';
import { basename, dirname, relative, sep } from 'node:path';

/** A folder being watched, as it was when the watch began (a folder put in its place is another). */
interface Watched {
  path: string;
  stats: Stats;
}

/**
 * Watches `folder` for events about the entries `names` (`onChange`), and goes on watching it when it goes away. A
 * watch ends with its folder (removed, or moved away) and never sees a new one made at its path, so then the nearest
 * folder above it that is there is watched instead, for the next folder down the path only, until the folder is
 * back; then it is watched again. Whenever what is watched changes, `onChange` is called too: a file may have been
 * put in the folder before its watch began. Events only, no polling: one watch at a time, and a look at the path
 * (a few `stat`s, one per folder above) only on events about the path itself. `onError`: the watch failed for good.
 * Throws when the folder cannot be watched to begin with. Returns what stops it.
 */
export function watchFolder(
  folder: string,
  names: ReadonlySet<string>,
  onChange: () => void,
  onError: (error: Error) => void,
): () => void {
  let watcher: FSWatcher | undefined;
  let watched: Watched | undefined;
  let stopped = false;

  /** Watches the nearest folder there is, unless it is watched already; whether that changed what is watched. */
  const follow = (): boolean => {
    let moved = false;
    // Again while the path changed under a watch being set up (a folder made just before it began).
    for (;;) {
      const there = nearestFolder(folder);
      if (watched !== undefined && sameFolder(watched, there)) return moved;
      watcher?.close();
      watcher = undefined;
      watched = undefined;
      moved = true;
      try {
        watcher = watch(there.path, { persistent: false }, (_event, name) => seen(there, name?.toString()));
      } catch (error) {
        // Gone between the look and the watch: looked at again.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      watched = there;
      watcher.on('error', (error) => {
        if (!stopped) onError(error);
      });
    }
  };

  const seen = (place: Watched, name: string | undefined) => {
    if (stopped || place !== watched) return;
    const inFolder = place.path === folder;
    if (inFolder && name !== undefined && names.has(name)) onChange();
    // The folder watched itself (its own name), or the next one down the path, came or went (no name: anything).
    const next = inFolder ? undefined : relative(place.path, folder).split(sep)[0];
    if (name !== undefined && name !== basename(place.path) && name !== next) return;
    try {
      if (follow()) onChange();
    } catch (error) {
      onError(error as Error);
    }
  };

  follow();
  return () => {
    stopped = true;
    watcher?.close();
  };
}

/** `folder`, or the nearest folder above it that is there (the root at worst). */
function nearestFolder(folder: string): Watched {
  for (let path = folder; ; path = dirname(path)) {
    let stats: Stats | undefined;
    try {
      stats = statSync(path, { throwIfNoEntry: false });
    } catch {
      // Not reachable (a file where a folder should be, no permission): looked for higher up.
    }
    if (stats?.isDirectory() || dirname(path) === path) return { path, stats: stats ?? statSync(path) };
  }
}

function sameFolder(a: Watched, b: Watched): boolean {
  return a.path === b.path && a.stats.ino === b.stats.ino && a.stats.dev === b.stats.dev;
}
