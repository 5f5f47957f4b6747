// Finds a Chromium for the end-to-end tests: $CHROMIUM_PATH, the system's headless shell, a system Chromium, or
// Playwright's own. As root on Debian it installs the `chromium-headless-shell` package when the shell is missing
// (Playwright cannot download its browser on machines without access to its CDN). Prints what to do when all of
// that fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Chromium's headless shell (Playwright's own default for headless tests) drives the same Blink and V8 without the
 * full browser's UI layer: the console tests took a fifth less time and CPU with it (e2e/ alone, two files at a
 * time: 262 s and 498 s of CPU against 322 s and 620 s with Debian's `chromium`, 2026-12-06).
 */
const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';
const HEADLESS_SHELL_PACKAGE = 'chromium-headless-shell';

const SYSTEM_BROWSERS = [
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
  return [HEADLESS_SHELL, ...SYSTEM_BROWSERS].find((path) => existsSync(path)) ?? playwrightChromium();
}

function canApt() {
  return process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

/** Installs Debian's headless shell; whether it is there now. A failed install (offline) is reported, not thrown. */
function installHeadlessShell(why) {
  console.log(`${why} — installing Debian's ${HEADLESS_SHELL_PACKAGE} package (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const steps = [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', HEADLESS_SHELL_PACKAGE],
  ];
  for (const args of steps) {
    if (spawnSync('apt-get', args, { stdio: 'inherit', env }).status !== 0) {
      console.log(`apt-get ${args[0]} failed`);
      return false;
    }
  }
  return existsSync(HEADLESS_SHELL);
}

export function ensureChromium() {
  const found = findChromium();
  const apt = canApt();
  // $CHROMIUM_PATH is the developer's choice, and the shell is what would be installed.
  if (found && (process.env.CHROMIUM_PATH || found === HEADLESS_SHELL || !apt)) return found;
  if (apt && installHeadlessShell(found ? `Found ${found}, not the lighter headless shell` : 'No Chromium found'))
    return HEADLESS_SHELL;
  if (found) return found;
  throw new Error(
    [
      'The end-to-end tests need Chromium and none was found.',
      'Do one of these, then run `npm test` again:',
      '  - install it from your system (Debian/Ubuntu: `sudo apt-get install chromium-headless-shell`, or `chromium`),',
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
