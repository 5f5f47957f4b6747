import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'agui-mock';

/**
 * The project folder, found by walking up from this module (the source tree under tsx, `out/` when
 * bundled), so resources and the console build are found wherever the engine runs from.
 */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if (JSON.parse(readFileSync(manifest, 'utf8')).name === PACKAGE_NAME) return dir;
      } catch {
        // An unreadable package.json on the way up is not ours; keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return resolve('.');
    dir = parent;
  }
}

let version: string | undefined;
export function packageVersion(): string {
  version ??= JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;
  return version;
}

export const resourcesDir = (): string => join(packageRoot(), 'resources');
export const rendererBuildDir = (): string => join(packageRoot(), 'out', 'renderer');
