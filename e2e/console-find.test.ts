import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import type { ConnectionSummary } from '../src/shared/connections';
import type { ItemsPage } from '../src/shared/control-api';
import { AguiSocket } from '../test/helpers/agui-socket';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { eventually } from '../test/helpers/wait';
import { launchBrowser } from './helpers/browser';
import { openConsole, screenshot, waitUntilLive } from './helpers/console-page';

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();

/** Generous: these wait on a busy machine for what the engine and the page do, never a fixed time. */
const WAIT_MS = 20_000;

async function open(server: Awaited<ReturnType<typeof startTestEngine>>) {
  const console = await openConsole(server, browser);
  console.page.setDefaultTimeout(WAIT_MS);
  await waitUntilLive(console.page);
  return console;
}

const connectionIds = async (page: Page) =>
  (await page.locator('.connection-item').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id'))))
    .filter((id) => id !== null)
    .map(String);

async function frameRows(page: Page): Promise<string[]> {
  return page.locator('.frame-stream .frame-row .event-badge').allTextContents();
}

test('connections: search by field, filter by state, group by thread, clear closed in the engine too', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const { page, errors } = await open(server);

  const alpha1 = await AguiSocket.open(server.wsUrl);
  alpha1.ask('hallo', { threadId: 'thread-alpha' });
  await alpha1.waitForRuns(1, WAIT_MS);
  const alpha2 = await AguiSocket.open(server.wsUrl);
  alpha2.ask('hallo', { threadId: 'thread-alpha' });
  await alpha2.waitForRuns(1, WAIT_MS);
  const beta = await AguiSocket.open(server.wsUrl);
  beta.ask('hallo', { threadId: 'thread-beta' });
  await beta.waitForRuns(1, WAIT_MS);
  const idle = await AguiSocket.open(server.wsUrl);
  await idle.close();
  await page.locator('.connection-item.closed').waitFor();
  await page.locator('.connection-item', { hasText: 'thread-beta' }).waitFor();
  assert.equal(await page.locator('.connection-item').count(), 4);

  // One search: a field named, then words that must all match.
  const search = page.getByLabel('Search connections');
  await search.fill('thread:alpha');
  await page.getByTestId('connection-count').filter({ hasText: '2 of 4 connections' }).waitFor();
  assert.equal(await page.locator('.connection-item', { hasText: 'thread-alpha' }).count(), 2);
  await search.fill('beta open');
  await page.getByTestId('connection-count').filter({ hasText: '1 of 4 connections' }).waitFor();
  // A key there is none of finds nothing, and the list says why: the key it likely meant, and the keys there are.
  await search.fill('stat:open');
  const none = page.locator('.connection-list .empty');
  await none.filter({ hasText: '“stat” is not a search key — did you mean state:open?' }).waitFor();
  assert.match(
    (await none.textContent()) ?? '',
    /Search by id:, path:, thread:, user:, kind:, state:, client: or code:/,
  );
  await screenshot(page, 'connections-unknown-key');
  await search.fill('state:open');
  await page.getByTestId('connection-count').filter({ hasText: '3 of 4 connections' }).waitFor();
  await search.fill('');
  await page.getByLabel('Filter connections by state').selectOption('closed');
  await page.getByTestId('connection-count').filter({ hasText: '1 of 4 connections' }).waitFor();
  assert.equal(await page.locator('.connection-item.closed').count(), 1);
  await page.getByLabel('Filter connections by state').selectOption('all');

  // Grouped by thread: one group per thread, connections without one together.
  await page.getByLabel('By thread').check();
  const groups = page.getByTestId('thread-group');
  await groups.nth(2).waitFor();
  assert.deepEqual((await groups.evaluateAll((all) => all.map((g) => g.getAttribute('aria-label')))).sort(), [
    'Thread No thread yet',
    'Thread thread-alpha',
    'Thread thread-beta',
  ]);
  assert.equal(await groups.filter({ has: page.getByText('thread-alpha', { exact: true }) }).count(), 1);
  assert.equal(await page.getByRole('group', { name: 'Thread thread-alpha' }).locator('.connection-item').count(), 2);
  await screenshot(page, 'connections-grouped');
  await page.getByLabel('By thread').uncheck();

  // Clear closed: gone from the list and from the engine.
  await page.getByRole('button', { name: 'Clear closed (1)' }).click();
  await page.locator('.connection-item.closed').waitFor({ state: 'detached' });
  const closed = await api.get<ItemsPage<ConnectionSummary>>('/connections?state=closed');
  assert.equal(closed.body.total, 0);
  assert.equal(await page.locator('.connection-item').count(), 3);
  assert.ok(await page.getByRole('button', { name: 'Clear closed' }).isDisabled());
  for (const client of [alpha1, alpha2, beta]) await client.close();
  // Cleared to the last, the list gives way to the empty state, and the focus goes to its heading, not the page.
  await page.getByRole('button', { name: 'Clear closed (3)' }).click();
  await page
    .getByTestId('connections-empty')
    .getByRole('heading', { name: 'No client has connected yet' })
    .and(page.locator(':focus'))
    .waitFor();
  assert.deepEqual(errors, []);
});

test('the connection list holds still under the pointer: new connections are counted, not pushed in', async () => {
  const server = await startTestEngine();
  const { page, errors } = await open(server);
  const clients = [];
  for (let i = 0; i < 12; i++) clients.push(await AguiSocket.open(server.wsUrl));
  await page.locator('.connection-item').nth(11).waitFor();

  // The pointer rests on the fourth row; connections that arrive go in above it without moving it.
  const row = page.locator('.connection-item').nth(3);
  const rowId = await row.getAttribute('data-id');
  const before = await row.boundingBox();
  assert.ok(before);
  await page.mouse.move(before.x + before.width / 2, before.y + before.height / 2);
  for (let i = 0; i < 3; i++) clients.push(await AguiSocket.open(server.wsUrl));
  const announced = page.getByTestId('new-connections');
  await announced.filter({ hasText: '3 new connections' }).waitFor();
  const after = await page.locator(`[data-id="${rowId}"]`).boundingBox();
  assert.equal(after?.y, before.y, 'the row under the pointer did not move');
  const ids = await connectionIds(page);
  assert.equal(ids.length, 15, 'the new ones are in the list, above the view');
  assert.equal(ids.indexOf(rowId ?? ''), 6);

  // Shown on request: the list goes to the top, where the newest are.
  await announced.click();
  await announced.waitFor({ state: 'detached' });
  assert.equal(await page.locator('.connection-list').evaluate((list) => list.scrollTop), 0);
  for (const client of clients) await client.close();
  assert.deepEqual(errors, []);
});

test('frames: several types, a direction, text or regex; counts say N of M; a runaway pattern is stopped', async () => {
  const server = await startTestEngine();
  const { page, errors } = await open(server);
  const ws = await AguiSocket.open(server.wsUrl);
  await page.locator('.connection-item').first().click();
  ws.ask('Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854');
  await ws.waitForRuns(1, WAIT_MS);
  // Text the client sends that is not JSON: the engine logs and answers it.
  const before = ws.events.length;
  ws.send(`${'a'.repeat(40)}!`);
  await ws.waitUntil(() => ws.events.length > before, WAIT_MS);
  // Every frame counted: the two the client sent and each one it received.
  const kept = ws.events.length + 2;
  await page
    .getByTestId('frame-count')
    .filter({ hasText: `${kept} frames` })
    .waitFor();

  const count = page.getByTestId('frame-count');
  const types = page.getByLabel('Filter by event type');
  await types.selectOption('TOOL_CALL_START');
  await types.selectOption('TOOL_CALL_END');
  await count.filter({ hasText: ` of ${kept} frames` }).waitFor();
  const shown = await frameRows(page);
  assert.ok(shown.length > 0);
  assert.deepEqual([...new Set(shown)].sort(), ['TOOL_CALL_END', 'TOOL_CALL_START']);
  assert.equal((await count.textContent())?.startsWith(`${shown.length} of ${kept} frames`), true);
  await page.getByRole('button', { name: 'Stop filtering on TOOL_CALL_END' }).click();
  await count.filter({ hasText: `${shown.length / 2} of ${kept} frames` }).waitFor();
  // A chip taken away leaves the focus on the one beside it, and the last one on the type filter, not the page.
  const focused = page.locator(':focus');
  const startChip = page.getByRole('button', { name: 'Stop filtering on TOOL_CALL_START' });
  await startChip.and(focused).waitFor();
  await page.keyboard.press('Enter');
  await startChip.waitFor({ state: 'detached' });
  await types.and(focused).waitFor();
  await types.selectOption('');

  await page.getByLabel('Filter by direction').selectOption('in');
  await count.filter({ hasText: `2 of ${kept} frames` }).waitFor();
  assert.ok((await page.locator('.frame-stream .frame-row').count()) === 2);
  assert.equal(await page.locator('.frame-stream .frame-row.out').count(), 0);
  await page.getByLabel('Filter by direction').selectOption('both');

  // A regular expression (run in a worker), a broken one named, a runaway one stopped without freezing the page.
  const text = page.getByLabel('Filter frames by text');
  await page.getByRole('button', { name: 'Regular expression' }).click();
  await text.fill('TOOL_CALL_(START|END)');
  await count.filter({ hasText: `${shown.length} of ${kept} frames` }).waitFor();
  await text.fill('TOOL_CALL_(');
  await page.locator('.field-problem').filter({ hasText: 'Pattern not used' }).waitFor();
  assert.equal(await text.getAttribute('aria-invalid'), 'true');
  // A search is stopped once it has run 2 s (REGEX_SEARCH_LIMIT_MS): the page's clock is moved on to that rather
  // than waited for. The worker is real and runs away meanwhile; a pattern run on the page's own thread would hang
  // the page, and this test with it. (Waited for, the runaway burnt 2 s of a core the suite shares.)
  await page.clock.install();
  await text.fill('(a+)+$');
  const stopped = page.locator('.field-problem').filter({ hasText: 'the search took over 2 s and was stopped' });
  await eventually(async () => {
    if (await stopped.isVisible()) return true;
    await page.clock.fastForward(500);
    return false;
  }, 'the runaway pattern to be stopped');
  // The page answered all along: the pattern ran elsewhere.
  await page.getByRole('button', { name: 'Regular expression' }).click();
  await text.fill('bella rosa');
  await count.filter({ hasText: /^[1-9]\d* of / }).waitFor();
  await screenshot(page, 'frames-filtered');
  await text.fill('');
  await count.filter({ hasText: /^\d+ frames$/ }).waitFor();
  await ws.close();
  assert.deepEqual(errors, []);
});

test('frames: a rule break is marked with its rule; the socket opening, erroring and closing are rows', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const { page, errors } = await open(server);
  const socket = new WebSocket(server.wsUrl);
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('open', resolve));
  await page.locator('.connection-item').first().click();
  const id = String(await page.locator('.connection-item').first().getAttribute('data-id'));
  await page.getByTestId('socket-opened').waitFor();

  await api.post(`/connections/${id}/events`, { events: [{ type: 'RUN_STARTED', threadId: 't', runId: 'r' }] });
  await api.post(`/connections/${id}/events`, {
    force: true,
    events: [{ type: 'TEXT_MESSAGE_CONTENT', messageId: 'never-started', delta: 'oops' }],
  });
  const broken = page.locator('.frame-row.broke-rule');
  await broken.waitFor();
  assert.match((await broken.textContent()) ?? '', /⚠ T2/);
  assert.equal(await page.locator('.frame-row.broke-rule').count(), 1, 'only the frame that broke a rule');
  await broken.click();
  const finding = page.getByTestId('frame-finding');
  await finding.waitFor();
  assert.match((await finding.textContent()) ?? '', /Broke rule T2.*need an open text message.*never-started/s);
  // Only the rule breaks, at a click.
  await page.getByRole('button', { name: '⚠ 1 rule break' }).click();
  await page
    .getByTestId('frame-count')
    .filter({ hasText: /^1 of \d+ frames/ })
    .waitFor();
  await page.getByRole('button', { name: '⚠ 1 rule break' }).click();
  await screenshot(page, 'frames-rule-break');

  // Invalid UTF-8 from the client: the socket errors, then closes; both are rows at the end of the stream.
  socket.send(Buffer.from([0xc3, 0x28]), { binary: false });
  const error = page.getByTestId('socket-error');
  await error.waitFor();
  assert.match((await error.textContent()) ?? '', /socket error: .*UTF-8/);
  const closedRow = page.getByTestId('socket-closed');
  await closedRow.waitFor();
  assert.match((await closedRow.textContent()) ?? '', /socket closed/);
  const order = await page
    .locator('.frame-stream [data-testid^="socket-"], .frame-stream .frame-row')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-testid') ?? 'frame'));
  assert.deepEqual(order, ['socket-opened', 'frame', 'frame', 'socket-error', 'socket-closed']);
  assert.deepEqual(errors, []);
});

test('a closed socket says its code and reason in the stream', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const { page, errors } = await open(server);
  const ws = await AguiSocket.open(server.wsUrl);
  await page.locator('.connection-item').first().click();
  const id = String(await page.locator('.connection-item').first().getAttribute('data-id'));
  await api.post(`/connections/${id}/close`, { code: 4001, reason: 'Unauthorized' });
  await ws.closed();
  await page.getByTestId('socket-closed').filter({ hasText: 'socket closed 4001 · Unauthorized' }).waitFor();
  assert.deepEqual(errors, []);
});

test('the inspector shows JSON inside strings as JSON, the string as sent a click away, and streamed tool arguments', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const { page, errors } = await open(server);
  const ws = await AguiSocket.open(server.wsUrl);
  await page.locator('.connection-item').first().click();
  const id = String(await page.locator('.connection-item').first().getAttribute('data-id'));
  const result = JSON.stringify({ temperature: 21, unit: 'C', nested: JSON.stringify({ deeper: true }) });
  const sent = await api.post(`/connections/${id}/events`, {
    events: [
      { type: 'RUN_STARTED', threadId: 't', runId: 'r' },
      { type: 'TOOL_CALL_START', toolCallId: 'call-1', toolCallName: 'weather' },
      { type: 'TOOL_CALL_ARGS', toolCallId: 'call-1', delta: '{"city": "Utr' },
      { type: 'TOOL_CALL_ARGS', toolCallId: 'call-1', delta: 'echt"}' },
      { type: 'TOOL_CALL_END', toolCallId: 'call-1' },
      { type: 'TOOL_CALL_RESULT', toolCallId: 'call-1', messageId: 'm-1', content: result, role: 'tool' },
      { type: 'RUN_FINISHED', threadId: 't', runId: 'r' },
    ],
  });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  await ws.waitUntil(() => ws.events.length === 7, WAIT_MS);

  const inspector = page.getByTestId('frame-inspector');
  await page.locator('.frame-row', { has: page.locator('.event-badge', { hasText: 'TOOL_CALL_RESULT' }) }).click();
  const note = inspector.getByTestId('nested-json');
  await note.waitFor();
  assert.match((await note.textContent()) ?? '', /content, content\.nested/);
  await inspector.locator('.json-key', { hasText: 'temperature' }).waitFor();
  await inspector.locator('.json-key', { hasText: 'deeper' }).waitFor();
  await screenshot(page, 'inspector-nested-json');
  await inspector.getByLabel('Strings as sent').check();
  await inspector.locator('.json-string', { hasText: '\\"temperature\\"' }).waitFor();
  assert.equal(await inspector.locator('.json-key', { hasText: 'temperature' }).count(), 0);

  await page.locator('.frame-row', { has: page.locator('.event-badge', { hasText: 'TOOL_CALL_END' }) }).click();
  const args = inspector.getByTestId('tool-arguments');
  await args.waitFor();
  assert.match((await args.textContent()) ?? '', /Arguments of call-1 so far \(2 chunks\)/);
  await args.locator('.json-key', { hasText: 'city' }).waitFor();
  await args.locator('.json-string', { hasText: '"Utrecht"' }).waitFor();
  await ws.close();
  assert.deepEqual(errors, []);
});
