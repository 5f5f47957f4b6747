import type { ElectronBinary } from '../../scripts/electron-binary.mjs';

export { electronBinary } from '../../scripts/electron-binary.mjs';

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
