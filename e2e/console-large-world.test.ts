import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { benchRoutes } from '../bench/route-table';
import { DEFAULT_PREFERENCES } from '../src/shared/agora-model';
import { importAgoraChange } from '../test/helpers/agora';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { fillEditor, openConsole, seenWhole, waitUntilLive } from './helpers/console-page';
import { mainThreadShareDuring } from './helpers/page-cpu';
import { pageFreezeDuring } from './helpers/page-freeze';

// Worlds as large as the engine keeps them, each view opened, paged and edited on a 1280×720 laptop screen: none may
// freeze the page for a second, draw thousands of rows at once, or push what is next to it out of sight.

const browser = await launchBrowser();
/** Generous: a cold Chromium on a machine other work shares, filling a large world. */
const waitMs = 30_000;
const viewport = { width: 1280, height: 720 };

/** Whether the page as a whole scrolls sideways (a view wider than the window). */
const scrollsSideways = (page: Page) =>
  page.locator('html').evaluate((html) => html.scrollWidth > html.clientWidth + 1);

/** Where the element's box ends on the right. */
async function right(locator: Locator): Promise<number> {
  const box = await locator.boundingBox();
  assert.ok(box, 'the element is laid out');
  return box.x + box.width;
}

test('State: a collection of 50,000 records opens a page of 100 at a time; one is opened, edited and added', async () => {
  // 50,000 small records are about 2 MB of JSON: more than a request body may be by default.
  const server = await startTestEngine({ template: 'blank', settings: { maxBodyBytes: 16 * 1024 * 1024 } });
  const records = Array.from({ length: 50_000 }, (_, index) => ({ id: index + 1, title: `Book ${index + 1}` }));
  const created = await controlClient(server).post('/collections', { id: 'books', path: '/books', records });
  assert.equal(created.status, 201, JSON.stringify(created.body).slice(0, 300));
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  const table = page.getByRole('table', { name: 'Records of books' });
  const panel = page.getByTestId('collection-records');
  const more = (notShown: string) => panel.getByRole('button', { name: `Show 100 more (${notShown} not shown)` });

  const freeze = await pageFreezeDuring(page, async () => {
    await page.getByRole('tab', { name: 'State' }).click();
    await more('49,900').waitFor();
  });
  // Every record drawn froze the page 4.5 s on this kind of machine; a page of 100 takes a few frames.
  assert.ok(freeze.busyMs < 1_000, `opening froze the page ${freeze.busyMs} ms`);
  assert.equal(await table.locator('tbody tr').count(), 100);
  await more('49,900').click();
  await more('49,800').waitFor();
  assert.equal(await table.locator('tbody tr').count(), 200);
  assert.equal(await scrollsSideways(page), false, 'the page does not scroll sideways');

  // One is edited: what the API serves at once.
  await table.getByRole('button', { name: '150', exact: true }).click();
  const editor = page.getByTestId('record-editor');
  await fillEditor(page, editor.getByLabel('Record 150 JSON'), '{"id": 150, "title": "Dune"}');
  await editor.getByRole('button', { name: 'Save record' }).click();
  await table.getByText('"title":"Dune"').waitFor();
  assert.equal(await seenWhole(editor.getByRole('button', { name: 'Save record' })), true, 'Save stays in sight');

  // A new record goes at the end, out of the pages drawn: it is drawn all the same, selected.
  await panel.getByRole('button', { name: '+ New record' }).click();
  await fillEditor(page, editor.getByLabel('New record JSON'), '{"title": "Emma"}');
  await editor.getByRole('button', { name: 'Create record' }).click();
  await table.locator('tr[aria-selected="true"]', { hasText: '"title":"Emma"' }).waitFor();
  assert.equal(await table.locator('tbody tr').count(), 201);
  await more('49,800').waitFor();
  assert.deepEqual(errors, []);
});

test('Requests: a request of 1 MB, answered with as much, opens at once, its bodies about 50,000 characters at a time', async () => {
  const server = await startTestEngine({
    template: 'blank',
    settings: { logBodyBytes: 1024 * 1024, maxBodyBytes: 2 * 1024 * 1024 },
  });
  const route = { id: 'echo', method: 'POST', path: '/echo', responses: [{ id: 'ok', body: { json: '{{body}}' } }] };
  const added = await controlClient(server).post('/routes', route);
  assert.equal(added.status, 201, JSON.stringify(added.body));
  // Just under 1 MB of JSON (kept whole in the log), some 140,000 lines once pretty-printed.
  const items = Array.from({ length: 20_000 }, (_, index) => ({ index, name: `item ${index}`, tags: ['a', 'b'] }));
  const sent = await fetch(`${server.url}/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items }),
  });
  assert.equal(sent.status, 200);
  await sent.arrayBuffer();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: /^Requests/ }).click();
  const detail = page.getByTestId('request-detail');
  const requestBody = page.getByRole('region', { name: 'Request body' });

  const freeze = await pageFreezeDuring(page, async () => {
    await page.getByRole('listbox', { name: 'Requests' }).getByRole('option').first().click();
    await requestBody.getByRole('button', { name: /^Show [\d,]+ more characters \([\d,]+ not shown\)$/ }).waitFor();
  });
  // Every line drawn froze the page 1.9 s on this kind of machine; a page of each body takes a few frames.
  assert.ok(freeze.busyMs < 1_000, `opening the request froze the page ${freeze.busyMs} ms`);
  await requestBody.getByText('"name": "item 1"').waitFor();
  await requestBody.getByRole('button', { name: /^Show [\d,]+ more characters/ }).click();
  await requestBody.getByText('"name": "item 500"').waitFor();
  await page
    .getByRole('region', { name: 'Response body' })
    .getByRole('button', { name: /^Show [\d,]+ more characters/ })
    .waitFor();
  assert.equal(await scrollsSideways(page), false, 'the page does not scroll sideways');
  assert.equal(
    await seenWhole(detail.getByRole('button', { name: 'Copy as curl' })),
    true,
    'Copy as curl stays in sight',
  );
  assert.deepEqual(errors, []);
});

test("Workspace: ten recent workspaces with names of 200 characters keep each one's file in sight, the panel inside the window", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agui-console-recent-'));
  // As many as the list keeps (10), each with the longest name and a deep path.
  const workspaces = Array.from({ length: 10 }, (_, index) => ({
    path: `/home/someone/${'a-long-folder-name/'.repeat(10)}shop-${index}.agui.json`,
    name: `${'N'.repeat(199)}${index}`,
    openedAt: Date.now() - index * 1_000,
  }));
  writeFileSync(join(dir, 'recent.json'), JSON.stringify({ workspaces }));
  const server = await startTestEngine({ recentWorkspaces: true, workspaceOptions: { configDir: dir } });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  await page.getByTestId('workspace-status').getByRole('button', { name: /▾/ }).click();
  const panel = page.getByRole('dialog', { name: 'Workspace' });
  const entries = panel.locator('.workspace-recent button');
  await entries.first().waitFor();
  assert.equal(await entries.count(), 10);
  for (let index = 0; index < 10; index++) {
    const entry = entries.nth(index);
    const file = entry.getByText(`shop-${index}.agui.json`);
    assert.ok((await right(file)) <= (await right(panel)) + 0.5, `entry ${index}: its file ends inside the panel`);
    const name = entry.getByText(workspaces[index]?.name ?? '');
    assert.ok((await right(name)) <= (await right(panel)) + 0.5, `entry ${index}: its name ends inside the panel`);
    assert.equal(
      await name.evaluate((element) => element.ownerDocument.defaultView?.getComputedStyle(element).textOverflow),
      'ellipsis',
      'the cut name says it goes on',
    );
  }
  // Taller than the window: the panel's body scrolls to the last.
  await entries.last().scrollIntoViewIfNeeded();
  assert.equal(await seenWhole(entries.last()), true, 'the last entry scrolls into sight');
  assert.equal(await entries.first().getAttribute('title'), `${workspaces[0]?.name}\n${workspaces[0]?.path}`);
  assert.equal(await scrollsSideways(page), false, 'the page does not scroll sideways');
  assert.deepEqual(errors, []);
});

test('Routes: 1,000 routes in the table leave the page time to spare while their requests flood in', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const put = await controlClient(server).put('/routes', { items: benchRoutes(1_000) });
  assert.equal(put.status, 200, JSON.stringify(put.body).slice(0, 300));
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Routes' }).click();
  const table = page.getByRole('table', { name: 'Routes' });
  // Looked for in its row: a query by role and name over the table reads every drawn row's names each time it runs.
  const first = table.locator('[data-list-item="r0"]');
  await first.getByRole('button', { name: '/api/v1/res0', exact: true }).click();
  await page.locator('.mount-editor').waitFor();

  // Requests to 50 of the routes, 50 at a time, for five seconds: each batch the feed brings changes their counts.
  const flood = async () => {
    const started = Date.now();
    while (Date.now() - started < 5_000)
      await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          fetch(`${server.url}/api/v1/res${index * 2}?id=${index}`).then((response) => response.arrayBuffer()),
        ),
      );
  };
  const share = await mainThreadShareDuring(page, flood);
  // Every row drawn again for each batch kept the main thread 98% busy; only the rows whose count changed are.
  assert.ok(share < 0.5, `the page's main thread was busy ${Math.round(share * 100)}% of the flood`);
  await first.getByRole('button', { name: /^Requests r0 served: [1-9]/ }).waitFor();
  assert.deepEqual(errors, []);
});

test('State: 2,000 users are drawn 100 at a time; one past them, just created, is drawn and selected', async () => {
  const server = await startTestEngine();
  // 2,000 users as POST /users makes them, in one import (one request each cost the engine seconds).
  const at = Date.now();
  await importAgoraChange(server, (data) => {
    for (let index = 0; index < 2_000; index++) {
      const time = new Date(at + index).toISOString();
      data.users.push({
        id: randomUUID(),
        email: `u${index}@example.nl`,
        name: `User ${index}`,
        preferences: { ...DEFAULT_PREFERENCES },
        createdAt: time,
        lastActivity: time,
      });
    }
  });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  const users = page.getByRole('table', { name: 'Users' });
  const panel = page.locator('.panel', { has: page.getByRole('heading', { name: 'Users' }) });
  const more = panel.getByRole('button', { name: /^Show 100 more \([\d,]+ not shown\)$/ });
  const rows = users.locator('tbody tr');
  /** The pack's three seed users and the 2,000, less those drawn, says the button. */
  const notShown = async () =>
    Number((/\(([\d,]+) not shown\)/.exec((await more.textContent()) ?? '')?.[1] ?? '').replaceAll(',', ''));
  const drawnAll = async () => assert.equal((await rows.count()) + (await notShown()), 2_003, 'drawn and not shown');

  const freeze = await pageFreezeDuring(page, async () => {
    await page.getByRole('tab', { name: 'State' }).click();
    await more.waitFor();
  });
  assert.ok(freeze.busyMs < 1_000, `opening froze the page ${freeze.busyMs} ms`);
  // A page, and the selected user ("me") when it is not in it.
  assert.ok((await rows.count()) <= 101, `${await rows.count()} rows drawn`);
  await drawnAll();
  const before = await rows.count();
  await more.click();
  await rows.nth(before + 99).waitFor();
  await drawnAll();

  // A user created goes at the end, past the pages drawn: it is drawn all the same, selected.
  await panel.getByRole('button', { name: '+ New user' }).click();
  const create = page.getByRole('form', { name: 'New user' });
  await create.getByLabel('Name').fill('Newest user');
  await create.getByLabel('Email').fill('new@example.nl');
  await create.getByRole('button', { name: 'Create user' }).click();
  await users.locator('tr[aria-selected="true"]', { hasText: 'Newest user' }).waitFor();
  assert.ok((await rows.count()) <= 202, `${await rows.count()} rows drawn`);
  assert.equal(await scrollsSideways(page), false, 'the page does not scroll sideways');
  assert.deepEqual(errors, []);
});

test('Routes: 10,000 routes open 500 at a time; one near the bottom of the pages drawn is opened, edited and moved', async () => {
  // 10,000 routes are about 2 MB of JSON: more than a request body may be by default.
  const server = await startTestEngine({ template: 'blank', settings: { maxBodyBytes: 16 * 1024 * 1024 } });
  const put = await controlClient(server).put('/routes', { items: benchRoutes(10_000) });
  assert.equal(put.status, 200, JSON.stringify(put.body).slice(0, 300));
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  const table = page.getByRole('table', { name: 'Routes' });
  const rows = table.locator('tbody tr');
  const more = (notShown: string) => page.getByRole('button', { name: `Show 500 more (${notShown} not shown)` });

  const freeze = await pageFreezeDuring(page, async () => {
    await page.getByRole('tab', { name: 'Routes' }).click();
    // Waited for by its markup: a query by role and name, run in the page, reads every row's name itself.
    await page.locator('[data-list-item="r499"]').waitFor();
  });
  // Every route drawn froze the page 3.9 s on this kind of machine; a page of 500 takes a few frames.
  assert.ok(freeze.busyMs < 1_000, `opening froze the page ${freeze.busyMs} ms`);
  assert.equal(await rows.count(), 500);
  await more('9,500').click();
  await more('9,000').waitFor();
  assert.equal(await rows.count(), 1_000);

  // Near the bottom of the pages drawn: opened, renamed, moved up. Each button is looked for in its row: a query by
  // role and name over the table reads the name of every one of the 1,000 rows' buttons, each time it is run.
  const row = (id: string) => table.locator(`[data-list-item="${id}"]`);
  await row('r998').getByRole('button', { name: '/api/v1/res998', exact: true }).click();
  const editor = page.locator('.mount-editor');
  await editor.getByLabel('Path', { exact: true }).fill('/api/v1/renamed');
  await editor.getByRole('button', { name: 'Save' }).click();
  await row('r998').getByRole('button', { name: '/api/v1/renamed', exact: true }).waitFor();
  await row('r998').getByRole('button', { name: 'Move r998 up' }).click();
  await page.locator('[data-list-item="r998"] .order-cell', { hasText: /^998$/ }).waitFor();
  // The last route drawn, moved down past the pages, stays drawn with the focus on its ↓ (it left sight and focus).
  await row('r999').getByRole('button', { name: 'Move r999 down' }).click();
  await page.locator('[data-list-item="r999"] .order-cell', { hasText: /^1001$/ }).waitFor();
  await page.locator('[data-move-id="r999"][data-move="down"]:focus').waitFor();
  assert.equal(await scrollsSideways(page), false, 'the page does not scroll sideways');
  assert.equal(await seenWhole(editor.getByRole('button', { name: 'Save' })), true, 'Save stays in sight');
  assert.deepEqual(errors, []);
});
