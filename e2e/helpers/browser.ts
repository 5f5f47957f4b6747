import { after } from 'node:test';
import { type Browser, chromium } from 'playwright-core';

/**
 * Launches the Chromium `npm test` found (CHROMIUM_PATH), headless and quiet on the network,
 * and closes it after the current test file. `extraArgs` go to Chromium as well.
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
      ...extraArgs,
    ],
  });
  after(() => browser.close());
  return browser;
}
