import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { AguiSocket } from '../test/helpers/agui-socket';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { startRefusingWorkspaceEngine } from '../test/helpers/workspace-files';
import { launchBrowser } from './helpers/browser';
import { openConsole, screenshot, selectFirstConnection, waitUntilLive } from './helpers/console-page';

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();
/** Generous: these specs audit and measure many views on a machine other work shares. */
const waitMs = 20_000;
const PROMPT = 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854';
const MIN_FRAME_ROWS = 10;
/** The least width the frames' text filter keeps, whatever shares its toolbar: its placeholder and a few letters. */
const MIN_FILTER_WIDTH = 96;
const ROUTE = {
  method: 'GET',
  path: '/items/:id',
  responses: [{ id: 'ok', status: 200, body: { json: { id: '{{params.id}}' } } }],
};

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

/**
 * The frames toolbar is one line: its controls side by side (none wrapped under the others) and inside it, the
 * text filter no narrower than MIN_FILTER_WIDTH.
 */
async function assertFramesToolbarOneLine(page: Page, where: string): Promise<void> {
  const facts = await page.locator('.frames-panel .stream-toolbar').evaluate((toolbar) => {
    const bar = toolbar.getBoundingClientRect();
    // The heading hidden visually (beside the inspector or the drawer) is a 1 px box: not a control in sight.
    const shown = [...toolbar.children]
      .map((child) => ({ name: child.getAttribute('aria-label') ?? child.className, r: child.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 1 && r.height > 1);
    const middles = shown.map(({ r }) => r.top + r.height / 2);
    return {
      spread: Math.max(...middles) - Math.min(...middles),
      outside: shown.filter(({ r }) => r.left < bar.left - 0.5 || r.right > bar.right + 0.5).map(({ name }) => name),
      filter: toolbar.querySelector('input[type="search"]')?.getBoundingClientRect().width ?? 0,
    };
  });
  assert.ok(facts.spread <= 4, `${where}: frames toolbar controls sit on different lines (${facts.spread}px apart)`);
  assert.deepEqual(facts.outside, [], `${where}: frames toolbar controls leave it`);
  assert.ok(facts.filter >= MIN_FILTER_WIDTH, `${where}: the text filter is squeezed to ${facts.filter}px`);
}

/** Text shown whole: not cut with an ellipsis or clipped (its box holds all of it), and inside the window. */
async function assertWhole(locator: Locator, where: string): Promise<void> {
  for (const element of await locator.all()) {
    const facts = await element.evaluate((node) => {
      const r = node.getBoundingClientRect();
      const view = node.ownerDocument.defaultView as { innerWidth: number; innerHeight: number };
      return {
        text: node.textContent ?? '',
        hidden: Math.max(node.scrollWidth - node.clientWidth, node.scrollHeight - node.clientHeight),
        inWindow: r.left >= 0 && r.top >= 0 && r.right <= view.innerWidth && r.bottom <= view.innerHeight,
      };
    });
    assert.ok(facts.hidden <= 0, `${where}: "${facts.text}" is cut (${facts.hidden}px of it hidden)`);
    assert.ok(facts.inWindow, `${where}: "${facts.text}" leaves the window`);
  }
}

/** Each snippet's lines break only between words (after a space), never inside one (`accep` / `t:`). */
async function assertSnippetsBreakBetweenWords(page: Page, where: string): Promise<void> {
  const split = await page.locator('.snippet pre code').evaluateAll((codes) =>
    codes.flatMap((code) => {
      const text = code.firstChild;
      const value = text?.nodeValue ?? '';
      const range = code.ownerDocument.createRange();
      const words: string[] = [];
      let lineTop: number | null = null;
      for (let at = 0; at < value.length; at += 1) {
        if (value[at] === '\n') {
          lineTop = null;
          continue;
        }
        range.setStart(text as typeof code, at);
        range.setEnd(text as typeof code, at + 1);
        const top = range.getClientRects()[0]?.top;
        if (top === undefined) continue;
        // A new line that is not the code's own: the one before it must have ended with a space.
        if (lineTop !== null && top > lineTop + 2 && value[at - 1] !== ' ' && value[at] !== ' ')
          words.push(`${value.slice(Math.max(0, at - 10), at)}|${value.slice(at, at + 10)}`);
        lineTop = top;
      }
      return words;
    }),
  );
  assert.deepEqual(split, [], `${where}: snippet lines break inside a word`);
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
    const api = controlClient(server);

    for (const theme of ['dark', 'light'] as const) {
      const where = `${size} ${theme}`;
      await page.emulateMedia({ colorScheme: theme });
      await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
      await page.getByRole('tab', { name: /^Connections/ }).click();
      await assertStatusBarOneLine(page, where);

      const id = await selectFirstConnection(page);
      // A frame that broke a rule (sent anyway): the toolbar shows its "⚠ 1 rule break" switch from now on.
      if (theme === 'dark') {
        const sent = await api.post(`/connections/${id}/events`, {
          force: true,
          events: [{ type: 'TEXT_MESSAGE_CONTENT', messageId: 'never-started', delta: 'oops' }],
        });
        assert.equal(sent.status, 200);
        await ws.waitUntil(() => ws.events.some((event) => event.messageId === 'never-started'));
      }
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
      // With a rule break to show and a type chosen, it still keeps to one line and the filter keeps its room.
      const ruleBreaks = page.getByRole('button', { name: '⚠ 1 rule break' });
      await ruleBreaks.waitFor();
      const types = page.getByLabel('Filter by event type');
      await types.selectOption('TOOL_CALL_START');
      await page.getByRole('button', { name: 'Stop filtering on TOOL_CALL_START' }).waitFor();
      await assertFramesToolbarOneLine(page, `${where}, a type chosen`);
      await assertFramesToolbarWordsWhole(page, `${where}, a type chosen`);
      await screenshot(page, `layout-${viewport.width}x${viewport.height}-${theme}-frames-filtered`);
      await types.selectOption('');

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
      await assertFramesToolbarOneLine(page, `${where} with the drawer`);
      // The run timeline keeps its title beside the drawer, its legend on one line.
      const timelineHeader = page.locator('.timeline-panel > .panel-header');
      await assertWhole(timelineHeader.getByRole('heading', { name: 'Run timeline' }), `${where} with the drawer`);
      const legendRows = await timelineHeader
        .locator('.timeline-legend > *')
        .evaluateAll((items) => new Set(items.map((item) => Math.round(item.getBoundingClientRect().top))).size);
      assert.equal(legendRows, 1, `${where} with the drawer: the timeline legend wraps`);
      await screenshot(page, `layout-${viewport.width}x${viewport.height}-${theme}-inject`);
      await types.selectOption('TOOL_CALL_START');
      await assertFramesToolbarOneLine(page, `${where} with the drawer, a type chosen`);
      await assertFramesToolbarWordsWhole(page, `${where} with the drawer, a type chosen`);
      await types.selectOption('');
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

test('1280×720, both themes: beside the inject drawer the inspector shows a whole frame, frame rows fit, the list folds', async () => {
  const viewport = { width: 1280, height: 720 };
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask(PROMPT);
  await ws.waitForRuns(1);
  await selectFirstConnection(page);
  await page.getByTestId('run-timeline').waitFor();
  // A CUSTOM frame: its JSON tree is seven lines (type, name, value with two fields, timestamp).
  const custom = page.locator('.frame-row', { hasText: 'agora:spoken_text_content' }).first();
  await custom.click();
  const inspector = page.getByTestId('frame-inspector');
  const lastKey = inspector.locator('.json-key', { hasText: 'timestamp' });
  await lastKey.waitFor();
  await page.getByRole('button', { name: 'Inject…' }).click();
  const drawer = page.getByTestId('inject-drawer');
  await drawer.getByTestId('event-composer').locator('.cm-content').filter({ hasText: '"type"' }).waitFor();

  for (const theme of ['dark', 'light'] as const) {
    const where = `${theme} with the drawer`;
    await page.emulateMedia({ colorScheme: theme });
    await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
    const panel = await box(inspector);
    assert.ok(panel.width >= 240, `${where}: the inspector is squeezed to ${panel.width}px wide`);
    assert.ok(!overlap(panel, await box(drawer)), `${where}: the drawer covers the inspector`);
    // The whole frame reads without scrolling the inspector: its last line is in sight inside it.
    const body = inspector.locator('.panel-body');
    assert.ok(inside(await box(lastKey), await box(body)), `${where}: the frame's JSON is cut off in the inspector`);
    assert.ok(await seenWhole(lastKey), `${where}: the frame's last line is out of sight`);
    const hiddenBelow = await body.evaluate((element) => element.scrollHeight - element.clientHeight);
    assert.ok(hiddenBelow <= 1, `${where}: ${hiddenBelow}px of the frame are scrolled out of the inspector`);
    const spills = await page
      .locator('.frame-row')
      .evaluateAll((rows) => rows.filter((row) => row.scrollWidth > row.clientWidth + 1).length);
    assert.equal(spills, 0, `${where}: frame rows' columns overflow their row`);
    assert.ok((await visibleFrameRows(page)) >= MIN_FRAME_ROWS, `${where}: fewer than 10 frame rows`);
    assert.ok(await seenWhole(drawer.getByRole('button', { name: 'Send', exact: true })), `${where}: Send is hidden`);
    await assertNoSidewaysOverflow(page, where);
    await assertFramesToolbarOneLine(page, where);
    await screenshot(page, `layout-1280x720-${theme}-inject-inspector`);
  }
  // The list gave its width to the drawer; its rail shows it over the connection, Esc folds it again.
  const list = page.getByRole('listbox', { name: 'Connections' });
  assert.equal(await list.isVisible(), false, 'the list is folded');
  const rail = page.getByRole('button', { name: 'Connections (1)' });
  await rail.click();
  await list.waitFor();
  assert.ok(await seenWhole(list.locator('.connection-item').first()), 'the list is shown over the connection');
  await page.keyboard.press('Escape');
  await list.waitFor({ state: 'hidden' });
  assert.equal(await rail.getAttribute('aria-expanded'), 'false');
  assert.ok(await drawer.isVisible(), 'Esc folds the list before it closes the drawer');
  assert.deepEqual(errors, []);
  ws.socket.close();
});

test('1280×720, both themes: the status bar shows both addresses whole with 301 sockets open and a workspace problem', async () => {
  const viewport = { width: 1280, height: 720 };
  // A workspace file in a deep folder whose saves fail: unsaved, with the problem its autosave met — the workspace's
  // item at its widest (a refused Save as elsewhere is no problem of the workspace's).
  const dir = mkdtempSync(join(tmpdir(), 'agui-layout-a-long-folder-name-for-the-status-bar-'));
  const { server, refusal } = await startRefusingWorkspaceEngine(
    dir,
    join(dir, 'the-team-with-a-long-name.agui.json'),
    'EIO',
    'EIO: simulated',
  );
  const api = controlClient(server);
  refusal.on = true;
  assert.equal((await api.post('/routes', { ...ROUTE, id: 'unsaved' })).status, 201);
  const sockets = await Promise.all(Array.from({ length: 301 }, () => AguiSocket.open(server.wsUrl)));
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  const status = page.getByTestId('workspace-status');
  await status.locator('.badge', { hasText: 'problem' }).waitFor();
  await status.locator('.badge', { hasText: 'unsaved' }).waitFor();
  await page.getByTestId('open-sockets').filter({ hasText: '301 open sockets' }).waitFor();

  for (const theme of ['dark', 'light'] as const) {
    const where = `${theme}, 301 sockets and a problem`;
    await page.emulateMedia({ colorScheme: theme });
    await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
    await assertStatusBarOneLine(page, where);
    const bar = page.locator('.status-bar');
    await assertWhole(bar.getByTestId('HTTP address'), where);
    await assertWhole(bar.getByTestId('WebSocket address'), where);
    for (const name of ['Copy HTTP address', 'Copy WebSocket address'])
      assert.ok(await seenWhole(bar.getByRole('button', { name })), `${where}: ${name} is hidden`);
    // What gave way instead is still there in words: the workspace's state and the count.
    await assertWhole(status.locator('.badge'), where);
    await assertWhole(page.getByTestId('open-sockets'), where);
    await screenshot(page, `layout-1280x720-${theme}-status-bar-busy`);
  }
  assert.deepEqual(errors, []);
  await Promise.all(sockets.map((socket) => socket.close()));
});

test('1280×720, both themes: the connection snippets break between words; the frame hint is whole', async () => {
  const viewport = { width: 1280, height: 720 };
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  await page.getByTestId('connections-empty').waitFor();
  for (const theme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
    await assertSnippetsBreakBetweenWords(page, `${theme}, no client yet`);
  }

  const ws = await AguiSocket.open(server.wsUrl);
  await selectFirstConnection(page);
  const hint = page.getByTestId('frame-inspector').locator('.inspector-hint');
  for (const theme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
    await hint.filter({ hasText: 'press Enter' }).waitFor();
    await assertWhole(hint, `${theme}, no frame picked`);
  }
  await screenshot(page, 'layout-1280x720-frame-hint');
  assert.deepEqual(errors, []);
  await ws.close();
});
