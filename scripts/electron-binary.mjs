// Whether the Electron binary is installed, answered from files alone: requiring the `electron`
// package would try to download it, which fails (and hangs) on machines without access to its host.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function electronBinary() {
  let packageDir;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { found: false, reason: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(packageDir, 'dist');
  if (!relative && !process.env.ELECTRON_OVERRIDE_DIST_PATH)
    return { found: false, reason: 'the Electron binary has not been downloaded' };
  const binary = join(distDir, relative || 'electron');
  return existsSync(binary) ? { found: true, path: binary } : { found: false, reason: `${binary} does not exist` };
}
