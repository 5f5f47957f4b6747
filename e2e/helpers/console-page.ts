import { mkdirSync } from 'node:fs';
import { afterEach } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import type { MockServer } from '../../src/server/index';
import { WAIT_MS } from '../../test/helpers/wait';
import { keepForFile } from './browser';

export interface ConsolePage {
  page: Page;
  /** Uncaught errors and console errors (CSP violations included) seen so far, but for 4xx answers (REFUSED_REQUEST). */
  errors: string[];
}

/** The window the specs open the console in unless they ask for another. */
const DEFAULT_VIEWPORT = { width: 1440, height: 900 };

export interface ConsolePageOptions {
  /** Default 1440×900. */
  viewport?: { width: number; height: number };
  /** The system theme the console follows; default dark. */
  colorScheme?: 'light' | 'dark';
  /** How long each wait may take; default WAIT_MS. Long specs on a busy machine ask for more. */
  waitMs?: number;
  /** A touch screen (taps); default a mouse only. */
  hasTouch?: boolean;
}

/**
 * Chromium's line for a request the engine answered 4xx. Specs make the engine refuse the console on purpose (a send
 * or macro that breaks a sequence rule: 409; a taken id: 409; a field: 422; a request gone from the log: 404), so
 * these are not counted as errors; a 5xx, a request that could not connect, and every other console error are. A spec
 * that must see no refusal at all counts the responses itself.
 */
const REFUSED_REQUEST = /^Failed to load resource: the server responded with a status of 4\d\d\b/;

/** Opens the console from the engine with its token (see REFUSED_REQUEST for the errors it does not count). */
export async function openConsole(
  server: MockServer,
  browser: Browser,
  url = server.consoleUrl,
  { viewport = DEFAULT_VIEWPORT, colorScheme = 'dark', waitMs = WAIT_MS, hasTouch = false }: ConsolePageOptions = {},
): Promise<ConsolePage> {
  const page = await browser.newPage({ viewport, colorScheme, hasTouch });
  // Every action, wait and navigation of the specs: the suite's generous bound (a cold Chromium loading the
  // console on a busy CI machine takes seconds).
  page.setDefaultTimeout(waitMs);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !REFUSED_REQUEST.test(message.text())) errors.push(message.text());
  });
  // Loading the console on a busy machine can take longer than one expectation may.
  await page.goto(url, { timeout: 30_000 });
  return { page, errors };
}

/**
 * One console page, on one engine, for those of a file's tests that each work on their own part of the world (their
 * own connection, route, user…) and so need no engine of their own. Each test calls the function returned: it loads
 * the console afresh in that page (nothing of the test before is left in the console, but what it keeps in
 * localStorage for its engine), in the dark theme unless `colorScheme` says otherwise, in the window `viewport` (of
 * the test, else of the file) says, with no errors seen yet.
 * Between tests the page waits on a page of the engine's that is not the console (a 404), so the console does not
 * keep working for nothing; loaded again from the same origin, in the same renderer process, with its scripts
 * cached, it takes a third of the time a new page on a new engine takes (about:blank would cost a new process).
 */
export async function consoleForFile(
  server: MockServer,
  browser: Browser,
  options: ConsolePageOptions = {},
): Promise<(viewport?: ConsolePageOptions['viewport']) => Promise<ConsolePage>> {
  const parked = `${server.url}/__console/parked-between-tests`;
  const { page, errors } = await openConsole(server, browser, parked, options);
  keepForFile(page.context());
  afterEach(() => page.goto(parked));
  return async (viewport = options.viewport ?? DEFAULT_VIEWPORT) => {
    errors.length = 0;
    await page.setViewportSize(viewport);
    await page.emulateMedia({ colorScheme: options.colorScheme ?? 'dark' });
    await page.goto(server.consoleUrl, { timeout: 30_000 });
    return { page, errors };
  };
}

export async function waitUntilLive(page: Page): Promise<void> {
  await page.getByTestId('engine-state').filter({ hasText: 'Live' }).waitFor();
}

/**
 * Resolves once the console has applied every feed item the engine sent before now: a request made now reaches the
 * Requests tab's count only after them (the feed is one ordered stream, applied a batch at a time). For a check that
 * something did not arrive, without waiting a fixed time for it.
 */
export async function feedCaughtUp(page: Page, server: MockServer): Promise<void> {
  const count = page.getByRole('tab', { name: /^Requests/ }).locator('.count');
  const before = Number(await count.textContent());
  await (await fetch(`${server.url}/feed-caught-up-${before}`)).arrayBuffer();
  await count.filter({ hasText: new RegExp(`^${before + 1}$`) }).waitFor();
}

/** Selects the first connection in the list (the console follows its frames) and returns its id. */
export async function selectFirstConnection(page: Page): Promise<string> {
  const item = page.locator('.connection-item').first();
  await item.click();
  return ((await item.getAttribute('data-testid')) ?? '').slice('connection-'.length);
}

/** Saves a screenshot of the page in test-results/ (the best ones are copied to docs/screenshots/). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: `test-results/console-${name}.png` });
}

/** Replaces the text of a CodeMirror editor as if pasted. */
export async function fillEditor(page: Page, editor: Locator, text: string): Promise<void> {
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
}

/** Whether the element is laid out wholly inside the window and nothing covers its middle. */
export function seenWhole(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => {
    const r = element.getBoundingClientRect();
    const { innerHeight, innerWidth } = element.ownerDocument.defaultView as unknown as {
      innerHeight: number;
      innerWidth: number;
    };
    const hit = element.ownerDocument.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth && element.contains(hit);
  });
}
