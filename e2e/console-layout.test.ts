import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { AguiSocket } from '../test/helpers/agui-socket';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { openConsole, screenshot, waitUntilLive } from './helpers/console-page';

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();
/** Generous: these specs audit and measure many views on a machine other work shares. */
const waitMs = 20_000;
const PROMPT = 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854';
const MIN_FRAME_ROWS = 10;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function box(locator: Locator): Promise<Box> {
  const found = await locator.boundingBox();
  assert.ok(found, 'the element is laid out');
  return found;
}

/** Half a pixel of slack for subpixel layout. */
const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5;

const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * Frame rows in sight: at least half of each inside the stream's visible box. Counting whole rows only would
 * depend on where the list happens to be scrolled: a 253 px stream of 24 px rows shows 10 whole rows at some
 * offsets and 9 (with two halves) at others.
 */
function visibleFrameRows(page: Page): Promise<number> {
  return page.locator('.frame-stream').evaluate((stream) => {
    const box = stream.getBoundingClientRect();
    return [...stream.querySelectorAll('.frame-row')].filter((row) => {
      const r = row.getBoundingClientRect();
      return Math.min(r.bottom, box.bottom) - Math.max(r.top, box.top) >= r.height / 2;
    }).length;
  });
}

/** Within the window and on top where it is (nothing covers its middle). */
function seenWhole(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => {
    const r = element.getBoundingClientRect();
    const { innerHeight, innerWidth } = element.ownerDocument.defaultView as {
      innerHeight: number;
      innerWidth: number;
    };
    const hit = element.ownerDocument.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth && element.contains(hit);
  });
}

/** The status bar is one line: its items share a row, nothing overflows it, it is one line tall. */
async function assertStatusBarOneLine(page: Page, where: string): Promise<void> {
  const bar = page.locator('.status-bar');
  const facts = await bar.evaluate((element) => ({
    height: element.getBoundingClientRect().height,
    overflow: element.scrollWidth - element.clientWidth,
    middles: [...element.children].map((child) => {
      const r = child.getBoundingClientRect();
      return r.top + r.height / 2;
    }),
    lineHeight: Number.parseFloat(element.ownerDocument.defaultView?.getComputedStyle(element).lineHeight ?? '') || 18,
  }));
  assert.ok(facts.overflow <= 0, `${where}: the status bar overflows by ${facts.overflow}px`);
  const spread = Math.max(...facts.middles) - Math.min(...facts.middles);
  assert.ok(spread <= 4, `${where}: status bar items sit on different lines (${spread}px apart)`);
  assert.ok(facts.height < facts.lineHeight * 2 + 16, `${where}: the status bar is ${facts.height}px tall`);
}

/** No panel body is wider inside than it is: nothing spills sideways out of a view's panels. */
async function assertNoSidewaysOverflow(page: Page, where: string): Promise<void> {
  const spills = await page
    .locator('.view .panel-body, .view .panel')
    .evaluateAll((elements) =>
      elements
        .filter((element) => element.scrollWidth > element.clientWidth + 1)
        .map((element) => `${element.className} (+${element.scrollWidth - element.clientWidth}px)`),
    );
  assert.deepEqual(spills, [], `${where}: panels overflow sideways`);
}

/** Every header cell of the table stays inside the table's own scrolling box, which stays inside its panel. */
async function assertTableFits(table: Locator, where: string): Promise<void> {
  const scroller = table.locator('xpath=ancestor::div[contains(@class, "table-scroll")][1]');
  const panel = table.locator('xpath=ancestor::div[contains(@class, "panel")][1]');
  const scrollBox = await box(scroller);
  assert.ok(inside(scrollBox, await box(panel)), `${where}: the table's box leaves its panel`);
  const hidden = await scroller.evaluate((element) => element.scrollHeight - element.clientHeight);
  assert.ok(hidden <= 1, `${where}: the table is squeezed, ${hidden}px of its rows out of sight`);
  for (const header of await table.locator('th').all()) {
    const headerBox = await box(header);
    if (headerBox.x >= scrollBox.x + scrollBox.width) continue; // scrolled out of sight, clipped by the scroller
    assert.ok(headerBox.y >= scrollBox.y - 0.5, `${where}: a column header rises above its table`);
  }
}

/**
 * The frames toolbar shows its words whole: each select as wide as the option it shows needs (measured on a copy
 * sized to its content), and the text filter's placeholder within the input.
 */
async function assertFramesToolbarWordsWhole(page: Page, where: string): Promise<void> {
  const cut = await page.locator('.frames-panel .stream-toolbar').evaluate((toolbar) => {
    const problems: string[] = [];
    for (const select of toolbar.querySelectorAll('select')) {
      const copy = select.cloneNode(true) as typeof select;
      copy.value = select.value;
      Object.assign(copy.style, { fieldSizing: 'content', maxWidth: 'none', minWidth: '0', flex: 'none' });
      copy.style.setProperty('position', 'absolute');
      copy.style.setProperty('visibility', 'hidden');
      toolbar.append(copy);
      const needed = copy.getBoundingClientRect().width;
      copy.remove();
      const shown = select.getBoundingClientRect().width;
      if (needed > shown + 0.5) problems.push(`${select.getAttribute('aria-label')}: ${shown}px of ${needed}px`);
    }
    const input = toolbar.querySelector('input');
    if (input) {
      const { ownerDocument } = toolbar;
      const style = ownerDocument.defaultView?.getComputedStyle(input);
      const context = ownerDocument.createElement('canvas').getContext('2d');
      if (!style || !context) return ['the placeholder could not be measured'];
      context.font = style.font;
      const needed = context.measureText(input.placeholder).width;
      const room = input.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
      if (needed > room + 0.5) problems.push(`placeholder "${input.placeholder}": ${room}px of ${needed}px`);
    }
    return problems;
  });
  assert.deepEqual(cut, [], `${where}: frames toolbar words cut`);
}

for (const viewport of [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
]) {
  const size = `${viewport.width}×${viewport.height}`;
  test(`${size}, both themes: Send in sight with 10+ frame rows, a one-line status bar, tables that fit`, async () => {
    const server = await startTestEngine();
    const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
    await waitUntilLive(page);
    const ws = await AguiSocket.open(server.wsUrl);
    ws.ask(PROMPT);
    await ws.waitForRuns(1);

    for (const theme of ['dark', 'light'] as const) {
      const where = `${size} ${theme}`;
      await page.emulateMedia({ colorScheme: theme });
      await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
      await page.getByRole('tab', { name: /^Connections/ }).click();
      await assertStatusBarOneLine(page, where);

      await page.locator('.connection-item').first().click();
      await page
        .getByTestId('frame-count')
        .filter({ hasText: `${ws.events.length + 1} frames` })
        .waitFor();
      await page.getByTestId('run-timeline').waitFor();
      assert.ok((await visibleFrameRows(page)) >= MIN_FRAME_ROWS, `${where}: frame rows without the drawer`);
      // A frame inspected: the toolbar shares the width with the inspector, its narrowest layout.
      await page.locator('.frame-row').nth(2).click();
      await page.getByTestId('frame-inspector').waitFor();
      await assertFramesToolbarWordsWhole(page, where);

      // The template after a finished run breaks a rule: the findings box shows, the worst case for the drawer.
      await page.getByRole('button', { name: 'Inject…' }).click();
      const composer = page.getByTestId('event-composer');
      await composer.locator('.cm-content').filter({ hasText: '"type"' }).waitFor();
      await composer.getByText('Sending this would break a sequence rule').waitFor();
      const send = composer.getByRole('button', { name: 'Send', exact: true });
      assert.ok(await seenWhole(send), `${where}: Send is out of sight or covered`);
      // The reason to think twice stays beside "Send anyway", not scrolled away under it.
      const findings = composer.getByTestId('findings');
      assert.ok(await seenWhole(findings), `${where}: the findings are out of sight or covered`);
      assert.ok(
        inside(await box(findings), await box(page.getByTestId('inject-drawer'))),
        `${where}: findings leave the drawer`,
      );
      const editor = await box(composer.locator('.code-editor'));
      assert.ok(editor.height >= 100, `${where}: the editor is cut to ${editor.height}px`);
      assert.ok(inside(editor, { x: 0, y: 0, ...viewport }), `${where}: the editor leaves the window`);
      const rows = await visibleFrameRows(page);
      assert.ok(rows >= MIN_FRAME_ROWS, `${where}: only ${rows} frame rows beside the drawer`);
      await assertStatusBarOneLine(page, `${where} with the drawer`);
      await screenshot(page, `layout-${viewport.width}x${viewport.height}-${theme}-inject`);
      await page.keyboard.press('Escape');
      await page.getByTestId('inject-drawer').waitFor({ state: 'detached' });

      await page.getByRole('tab', { name: 'State' }).click();
      const users = page.getByRole('table', { name: 'Users' });
      await users.getByRole('row').nth(3).waitFor();
      await assertTableFits(users, `${where} users`);
      await assertNoSidewaysOverflow(page, `${where} state`);
      await screenshot(page, `layout-${viewport.width}x${viewport.height}-${theme}-state`);

      await page.getByRole('tab', { name: 'Scenarios' }).click();
      const scenarios = page.getByRole('table', { name: 'Scenarios' });
      await scenarios.getByRole('button', { name: 'Inspectie starten' }).click();
      const runOn = page.getByTestId('scenario-editor').locator('label', { hasText: 'Run on' });
      await runOn.waitFor();
      await assertTableFits(scenarios, `${where} scenarios`);
      const label = await box(runOn);
      for (const header of await scenarios.locator('th').all())
        assert.ok(!overlap(await box(header), label), `${where}: a column header covers "Run on"`);
      assert.ok(await seenWhole(runOn), `${where}: "Run on" is covered`);
      await assertNoSidewaysOverflow(page, `${where} scenarios`);
      await screenshot(page, `layout-${viewport.width}x${viewport.height}-${theme}-scenarios`);
    }
    assert.deepEqual(errors, []);
    ws.socket.close();
  });
}

for (const viewport of [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
]) {
  const size = `${viewport.width}×${viewport.height}`;
  test(`${size}, both themes: Routes and collections fit, their actions in sight, nothing spills sideways`, async () => {
    const server = await startTestEngine({ template: 'blank' });
    const api = controlClient(server);
    for (let n = 1; n <= 30; n += 1)
      await api.post('/routes', {
        id: `route-${n}`,
        name: `A route with a long name to fit, number ${n}`,
        method: 'GET',
        path: `/a/rather/long/path/to/fit/${n}/:itemId`,
        responses: [{ id: 'ok', status: 200, body: { json: { n } } }],
      });
    await api.post('/collections', {
      id: 'books',
      path: '/books',
      records: Array.from({ length: 40 }, (_, i) => ({ id: i + 1, title: `Book ${i + 1}`, author: 'Someone' })),
    });
    const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
    await waitUntilLive(page);
    for (const theme of ['dark', 'light'] as const) {
      const where = `${size} ${theme}`;
      await page.emulateMedia({ colorScheme: theme });
      await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });

      await page.getByRole('tab', { name: 'Routes' }).click();
      const routes = page.getByRole('table', { name: 'Routes' });
      await routes.getByRole('button', { name: '/a/rather/long/path/to/fit/3/:itemId' }).click();
      await page.getByRole('tab', { name: 'Form' }).click();
      const editor = page.getByTestId('mount-editor');
      await editor.getByTestId('route-form').getByTestId('response-0').locator('.cm-content').waitFor();
      await screenshot(page, `layout-${viewport.width}x${viewport.height}-${theme}-routes`);
      for (const name of ['Save', 'Duplicate', 'Delete…'])
        assert.ok(await seenWhole(editor.getByRole('button', { name, exact: true })), `${where}: ${name} is hidden`);
      assert.ok(await seenWhole(routes.getByRole('columnheader', { name: 'Served' })), `${where}: Served is hidden`);
      await assertNoSidewaysOverflow(page, `${where} routes`);
      await assertStatusBarOneLine(page, `${where} routes`);
      await screenshot(page, `layout-${viewport.width}x${viewport.height}-${theme}-routes`);

      await page.getByRole('button', { name: 'Import OpenAPI…' }).click();
      const importPanel = page.getByTestId('openapi-import');
      assert.ok(await seenWhole(importPanel.getByRole('button', { name: 'Preview' })), `${where}: Preview is hidden`);
      await assertNoSidewaysOverflow(page, `${where} import`);
      await page.keyboard.press('Escape');
      await importPanel.waitFor({ state: 'detached' });

      await page.getByRole('tab', { name: 'State' }).click();
      const records = page.getByRole('table', { name: 'Records of books' });
      await records.getByRole('button', { name: '2', exact: true }).click();
      const record = page.getByTestId('record-editor');
      await record.locator('.cm-content').waitFor();
      for (const name of ['Save record', 'Delete…'])
        assert.ok(await seenWhole(record.getByRole('button', { name, exact: true })), `${where}: ${name} is hidden`);
      await assertNoSidewaysOverflow(page, `${where} collections`);
      await screenshot(page, `layout-${viewport.width}x${viewport.height}-${theme}-collections`);
    }
    assert.deepEqual(errors, []);
  });
}
