// Finds a Chromium for the end-to-end tests: $CHROMIUM_PATH, the system's, or Playwright's own.
// As root on Debian it installs the `chromium` package when none is found (Playwright cannot download
// its browser on machines without access to its CDN). Prints what to do when all of that fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

function playwrightChromium() {
  try {
    const path = createRequire(import.meta.url)('playwright-core').chromium.executablePath();
    return path && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

export function findChromium() {
  if (process.env.CHROMIUM_PATH) {
    if (existsSync(process.env.CHROMIUM_PATH)) return process.env.CHROMIUM_PATH;
    throw new Error(`CHROMIUM_PATH is set to ${process.env.CHROMIUM_PATH}, which does not exist`);
  }
  return SYSTEM_PATHS.find((path) => existsSync(path)) ?? playwrightChromium();
}

function canApt() {
  return process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

export function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  if (canApt()) {
    console.log("No Chromium found — installing Debian's chromium package (apt-get)…");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
      stdio: 'inherit',
      env,
    });
    if (install.status === 0 && existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  throw new Error(
    [
      'The end-to-end tests need Chromium and none was found.',
      'Do one of these, then run `npm test` again:',
      '  - install it from your system (Debian/Ubuntu: `sudo apt-get install chromium`),',
      '  - or let Playwright fetch its own: `npx playwright-core install chromium`,',
      '  - or point CHROMIUM_PATH at any Chromium or Chrome binary.',
    ].join('\n'),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(ensureChromium());
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
