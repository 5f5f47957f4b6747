import { existsSync, readFileSync } from 'node:fs';
import { after, afterEach } from 'node:test';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

/**
 * What Playwright itself disables (its `chromiumSwitches`). Chromium honours only the last `--disable-features`
 * on its command line, so ours must repeat them; `launchBrowser` checks that it does.
 */
const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
];

/**
 * Chromium 156 draws the address bar's suggestions as a page of its own (chrome://omnibox-popup), loaded in a
 * renderer for every window, and every page a test opens is a window: about a second of CPU each, a third of what
 * Chromium spent on a console test. Headless, there is no address bar to show it.
 */
const DISABLED_FEATURES = [
  ...PLAYWRIGHT_DISABLED_FEATURES,
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
  'WebUIOmniboxFullPopup',
];

const DISABLE_FEATURES = '--disable-features=';

/** Features an earlier `--disable-features` disables that the last one, the one Chromium reads, does not. */
function featuresDropped(args: readonly string[]): string[] {
  const lists = args
    .filter((arg) => arg.startsWith(DISABLE_FEATURES))
    .map((arg) => arg.slice(DISABLE_FEATURES.length).split(','));
  const last = new Set(lists.at(-1));
  return lists
    .slice(0, -1)
    .flat()
    .filter((feature) => feature !== '' && !last.has(feature));
}

/**
 * The command lines of the Chromium processes this process started (Playwright does not tell them): read from
 * Linux's /proc, where the suite runs; none elsewhere.
 */
function chromiumCommandLines(): string[][] {
  const children = `/proc/${process.pid}/task/${process.pid}/children`;
  if (!existsSync(children)) return [];
  return (
    readFileSync(children, 'utf8')
      .split(' ')
      .filter((pid) => pid !== '')
      .flatMap((pid) => {
        try {
          return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')];
        } catch {
          return []; // gone since
        }
      })
      // Playwright drives its browsers over a pipe (the program may be a wrapper that ran another, as Debian's is).
      .filter((args) => args.includes('--remote-debugging-pipe'))
  );
}

/** Contexts the file's tests share, closed with the browser after the file rather than after each test. */
const keptForFile = new WeakSet<BrowserContext>();

/** Keeps the context open until the browser closes after the file (see `consoleForFile`). */
export function keepForFile(context: BrowserContext): void {
  keptForFile.add(context);
}

/**
 * Launches the Chromium `npm test` found (CHROMIUM_PATH), headless and quiet on the network,
 * and closes it after the current test file. `extraArgs` go to Chromium as well. Every page a test opened is
 * closed when that test ends (but a page the file's tests share): a console left open keeps working (its timers, its feed reconnecting to the engine
 * the test closed) — a tenth of a core each, which a file's later tests and every file beside it paid for.
 */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH;
  if (!executablePath) throw new Error('CHROMIUM_PATH is not set: run the suite with `npm test`, which finds Chromium');
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      `${DISABLE_FEATURES}${DISABLED_FEATURES.join(',')}`,
      ...extraArgs,
    ],
  });
  const dropped = chromiumCommandLines().flatMap(featuresDropped);
  if (dropped.length > 0) {
    await browser.close();
    throw new Error(
      `Chromium reads only the last --disable-features, and it leaves ${dropped.join(', ')} on, which an earlier ` +
        'one turns off: add them to PLAYWRIGHT_DISABLED_FEATURES in e2e/helpers/browser.ts (or to a later list)',
    );
  }
  // Each page is its own context (`browser.newPage`): closing the contexts closes everything a test opened. A file's
  // tests run one at a time (node:test's default; none of them asks otherwise), so no other test's page is among them.
  // A page the file's tests share (`consoleForFile`) is kept: it is left blank between them instead.
  afterEach(() =>
    Promise.all(
      browser
        .contexts()
        .filter((context) => !keptForFile.has(context))
        .map((context) => context.close()),
    ),
  );
  after(() => browser.close());
  return browser;
}
