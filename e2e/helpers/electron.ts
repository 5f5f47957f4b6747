import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

/**
 * Whether the Electron binary is installed, answered from files alone (as scripts/electron-binary.mjs does for
 * `npm start`): requiring the `electron` package would try to download it, which fails without its release host.
 */
export function electronBinary(): ElectronBinary {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { found: false, reason: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!relative && !override) return { found: false, reason: 'the Electron binary has not been downloaded' };
  const binary = join(override || join(packageDir, 'dist'), relative || 'electron');
  return existsSync(binary) ? { found: true, path: binary } : { found: false, reason: `${binary} does not exist` };
}

/** Why the desktop app cannot be launched here, or undefined when it can. */
export function whyElectronCannotRun(binary: ElectronBinary): string | undefined {
  if (!binary.found) return `Electron binary not installed: ${binary.reason}`;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'no display for an Electron window: run the suite under xvfb-run';
  return undefined;
}

/**
 * Command-line arguments for a test launch of the built app: any free port (8000 may be taken), its own user data
 * folder (so the single-instance lock and window state never meet a developer's running app), and no Chromium
 * sandbox when tests run as root, which Chromium refuses otherwise.
 */
export function testLaunchArgs(mainScript: string, userDataDir: string): string[] {
  const asRoot = process.getuid?.() === 0;
  return [...(asRoot ? ['--no-sandbox'] : []), mainScript, '--port=0', `--user-data-dir=${userDataDir}`];
}
