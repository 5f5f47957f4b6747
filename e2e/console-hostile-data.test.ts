import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import { importAgoraChange } from '../test/helpers/agora';
import { AguiSocket } from '../test/helpers/agui-socket';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { consoleForFile, openConsole, seenWhole, waitUntilLive } from './helpers/console-page';
import { pageFreezeDuring } from './helpers/page-freeze';

// What a client of the mocked API sends is shown in the console as it is: very wide values, very long ids and
// header names, direction overrides. None of it may freeze the page or push what is next to it out of sight.

const browser = await launchBrowser();
/** Generous: a cold Chromium on a machine other work shares. */
const waitMs = 20_000;
const viewport = { width: 1280, height: 720 };
/**
 * The default world for the State tests that read only the session or user they make (each its own) and, last, the
 * one that rewrites Bella Rosa's history, which none of them reads; the console loaded afresh for each. The tests that
 * pick the first connection or request, or count Koen's sessions, keep an engine of their own.
 */
const shared = await startTestEngine();
const openSharedConsole = await consoleForFile(shared, browser, { viewport, waitMs });

async function right(locator: Locator): Promise<number> {
  const box = await locator.boundingBox();
  assert.ok(box, 'the element is laid out');
  return box.x + box.width;
}

test('a frame 50,000 values wide opens at once, its children a page at a time; a long thread id stays in its header', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  const ws = await AguiSocket.open(server.wsUrl);
  await page.locator('.connection-item').first().click();
  // The longest thread id a run request may carry (256 characters), shown in the connection's header.
  ws.ask('Hallo', { threadId: 'T'.repeat(256) });
  await ws.waitForRuns(1);
  const id = (await page.locator('.connection-item[aria-selected="true"]').getAttribute('data-testid'))?.replace(
    'connection-',
    '',
  );
  const wide = Array.from({ length: 50_000 }, (_, index) => index);
  const injected = await fetch(`${server.url}/__console/api/connections/${id}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events: [{ type: 'CUSTOM', name: 'wide', value: wide }], force: true }),
  });
  assert.equal(injected.status, 200, await injected.text());
  const row = page.locator('.frame-row', { hasText: 'wide' }).last();
  await row.waitFor();

  const started = Date.now();
  await row.click();
  const more = page.getByTestId('frame-inspector').getByRole('button', { name: 'Show 100 more (49,900 not shown)' });
  await more.waitFor();
  // Every child drawn took 4.5 s on this kind of machine; a page of 100 takes a few frames.
  assert.ok(Date.now() - started < 2_000, `the inspector opened in ${Date.now() - started} ms`);
  await more.click();
  await page.getByTestId('frame-inspector').getByRole('button', { name: 'Show 100 more (49,800 not shown)' }).waitFor();

  const header = page.locator('.connection-header');
  const facts = header.locator('.facts');
  const thread = facts.locator('span', { hasText: /^thread / });
  assert.ok((await right(thread)) <= (await right(facts)) + 0.5, 'the thread id ends within the facts');
  assert.equal(await thread.getAttribute('title'), 'T'.repeat(256), 'the whole id is its title');
  assert.equal(
    await header.evaluate((element) => element.scrollWidth <= element.clientWidth + 1),
    true,
    'nothing spills out of the header',
  );
  await ws.close();
  assert.deepEqual(errors, []);
});

test("a request header name of 200 characters leaves the other headers' values in sight", async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  const sent = await fetch(`${server.url}/health`, {
    headers: { [`x-${'n'.repeat(200)}`]: '1', 'x-visible': 'can you see me' },
  });
  assert.equal(sent.status, 200);
  await page.getByRole('tab', { name: /^Requests/ }).click();
  await page.getByRole('listbox', { name: 'Requests' }).getByRole('option').first().click();
  const detail = page.getByTestId('request-detail');
  const value = detail.locator('dd', { hasText: 'can you see me' });
  await value.waitFor();
  const box = await value.boundingBox();
  const panel = await detail.boundingBox();
  assert.ok(box && panel, 'laid out');
  assert.ok(box.x + box.width <= panel.x + panel.width + 0.5, "the value's box ends inside the panel");
  assert.ok(box.height < 40, `the value reads on a line or two (${box.height} px), not a character a line`);
  assert.deepEqual(errors, []);
});

test("a long thread id ends in an ellipsis in the connection list; the item's frame counts stay in sight", async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask('Hallo', { threadId: 'T'.repeat(256) });
  await ws.waitForRuns(1);
  const item = page.locator('.connection-item').first();
  const sent = item.getByTitle('frames to the client');
  await sent.filter({ hasText: /^↓[1-9]/ }).waitFor();
  assert.ok((await right(sent)) <= (await right(item)) + 0.5, 'the frame count ends within the item');
  const thread = item.getByTitle('thread / user');
  assert.equal(
    await thread.evaluate((element) => element.ownerDocument.defaultView?.getComputedStyle(element).textOverflow),
    'ellipsis',
    'the cut id says it goes on',
  );

  // Grouped by thread, the group's header keeps its count beside the id.
  await page.getByLabel('By thread').check();
  const header = page.locator('.thread-header').first();
  const count = header.locator('.faint');
  assert.ok((await right(count)) <= (await right(header)) + 0.5, "the group's count ends within its header");
  await ws.close();
  assert.deepEqual(errors, []);
});

test("State: a session made by a run with a long thread id keeps its id inside the session's card", async () => {
  const ws = await AguiSocket.open(shared.wsUrl);
  // Koen's run: a new thread becomes a session of his, its id the thread's.
  ws.ask('Hallo', { threadId: 'T'.repeat(256), forwardedProps: { userId: 'koen' } });
  await ws.waitForRuns(1);
  await ws.close();
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'State' }).click();
  const card = page.getByTestId(`session-${'T'.repeat(256)}`);
  const id = card.locator('span.mono');
  assert.ok((await right(id)) <= (await right(card)) + 0.5, 'the id ends within its card');
  assert.equal(
    await id.evaluate((element) => element.ownerDocument.defaultView?.getComputedStyle(element).textOverflow),
    'ellipsis',
  );
  assert.equal(await id.getAttribute('title'), 'T'.repeat(256), 'the whole id is its title');
  assert.deepEqual(errors, []);
});

test("State: a user's name of 200 characters and a session's long id end in an ellipsis in the panels' headers", async () => {
  // Not the thread of the session the test before made on this engine: a session of its own.
  const threadId = 'S'.repeat(256);
  const ws = await AguiSocket.open(shared.wsUrl);
  ws.ask('Hallo', { threadId });
  await ws.waitForRuns(1);
  await ws.close();
  const name = 'N'.repeat(200);
  const created = await fetch(`${shared.url}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, email: 'n@example.nl' }),
  });
  assert.equal(created.status, 201, await created.text());
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'State' }).click();
  const within = async (what: string, text: Locator, panel: Locator) =>
    assert.ok((await right(text)) <= (await right(panel)) + 0.5, `${what} ends in its panel`);

  // Koen's run made the session; its History names it in the History panel's header.
  await page.getByTestId(`session-${threadId}`).getByRole('button', { name: 'History' }).click();
  const history = page.locator('.panel', { has: page.getByRole('heading', { name: 'History' }) });
  await within('the session id', history.locator('.panel-header span'), history);

  await page.getByRole('button', { name }).click();
  const sessions = page.locator('.panel', { has: page.getByRole('heading', { name: 'Sessions' }) });
  await within("the user's name", sessions.locator('.panel-header span', { hasText: `of ${name}` }), sessions);
  const users = page.locator('.panel', { has: page.getByRole('heading', { name: 'Users' }) });
  await users.getByRole('heading', { name, exact: true }).waitFor();
  assert.equal(
    await users.locator('.panel-body').evaluate((element) => element.scrollWidth <= element.clientWidth + 1),
    true,
    "the form's heading does not widen the users' panel",
  );
  assert.deepEqual(errors, []);
});

test('Record as scenario: a prompt of 5,000 characters is quoted short, the dialog fits the window with its heading', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  const ws = await AguiSocket.open(server.wsUrl);
  const prompt = 'W'.repeat(5_000);
  ws.ask(prompt, { threadId: 'thread-long-prompt' });
  await ws.waitForRuns(1);
  await page.locator('.connection-item').first().click();
  await page.getByRole('button', { name: 'Record as scenario…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Record as scenario' });
  const summary = dialog.getByTestId('recording-summary');
  await summary.waitFor();
  assert.match((await summary.textContent()) ?? '', /^The first run asked on this connection, “W{1,300}…”: \d+ events/);
  assert.equal(await seenWhole(dialog.getByRole('heading', { name: 'Record as scenario' })), true, 'the heading');
  assert.equal(await seenWhole(dialog.getByRole('button', { name: 'Record' })), true, 'the Record button');
  await ws.close();
  assert.deepEqual(errors, []);
});

test("Scenarios: a connection's long thread id in the Run on list leaves the list and ▶ Run inside the editor", async () => {
  const server = await startTestEngine();
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask('Hallo', { threadId: 'T'.repeat(256) });
  await ws.waitForRuns(1);
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Scenarios' }).click();
  await page.getByRole('table', { name: 'Scenarios' }).getByRole('button', { name: 'Inspectie starten' }).click();
  const editor = page.getByTestId('scenario-editor');
  const target = editor.getByLabel('Run on connection');
  await target.locator('option', { hasText: 'T'.repeat(256) }).waitFor({ state: 'attached' });
  assert.ok((await right(target)) <= (await right(editor)) + 0.5, 'the list ends within the editor');
  assert.equal(await seenWhole(editor.getByRole('button', { name: '▶ Run' })), true, '▶ Run is in sight');
  await ws.close();
  assert.deepEqual(errors, []);
});

test("State: a user with 2,000 sessions (a client's new threads) opens at once, the sessions a page at a time", async () => {
  const server = await startTestEngine();
  // Koen's two and 2,000 more, as POST /state/sessions makes them, in one import (one call each cost the engine 6 s).
  const at = Date.now();
  await importAgoraChange(server, (data) => {
    for (let index = 0; index < 2_000; index++) {
      const time = new Date(at + index).toISOString();
      data.sessions.push({
        metadata: {
          sessionId: `session-${randomUUID()}`,
          userId: 'koen',
          title: `Sessie ${index}`,
          firstMessagePreview: '',
          messageCount: 0,
          createdAt: time,
          lastActivity: time,
        },
        history: [],
      });
    }
  });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  const sessions = page.locator('[data-list="sessions"]');
  const freeze = await pageFreezeDuring(page, async () => {
    await page.getByRole('tab', { name: 'State' }).click();
    await sessions.getByRole('button', { name: 'Show 100 more (1,902 not shown)' }).waitFor();
  });
  // All 2,002 drawn froze the page for 3.5 s, and 13 s coming back to the view.
  assert.ok(freeze.busyMs < 1_000, `the page froze for ${freeze.busyMs} ms`);
  assert.equal(await sessions.locator('.history-message').count(), 100);
  await sessions.getByRole('button', { name: 'Show 100 more (1,902 not shown)' }).click();
  await sessions.getByRole('button', { name: 'Show 100 more (1,802 not shown)' }).waitFor();
  assert.equal(await sessions.locator('.history-message').count(), 200);
  assert.deepEqual(errors, []);
});

test('State: a session with 3,000 messages opens at once, the newest drawn, earlier ones a page at a time', async () => {
  const api = controlClient(shared);
  const messages = Array.from({ length: 3_000 }, (_, index) => ({
    role: index % 2 === 0 ? 'user' : 'assistant',
    content: `Bericht ${index}`,
  }));
  assert.equal((await api.put('/state/sessions/session-koen-bella-rosa/history', { messages })).status, 200);
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'State' }).click();
  await page.getByRole('table', { name: 'Users' }).getByRole('button', { name: 'Koen van den Berg' }).click();
  const history = page.getByTestId('history-editor');
  const freeze = await pageFreezeDuring(page, async () => {
    await page.getByTestId('session-session-koen-bella-rosa').getByRole('button', { name: 'History' }).click();
    await history.getByTestId('history-message-2999').waitFor();
  });
  // All 3,000 drawn (each checked on every keystroke) froze the page for 1.4 s and took 3.9 s to open.
  assert.ok(freeze.busyMs < 1_000, `the page froze for ${freeze.busyMs} ms`);
  assert.equal(await history.locator('.history-message').count(), 100);
  await history.getByRole('button', { name: 'Show 100 earlier (2,900 not shown)' }).click();
  await history.getByTestId('history-message-2800').waitFor();
  assert.equal(await history.locator('.history-message').count(), 200);
  // An edit among them is saved with the whole history, the messages not drawn included.
  await history.getByLabel('Content of message 2801').fill('Bewerkt');
  await history.getByRole('button', { name: 'Save history' }).click();
  await history.getByRole('button', { name: 'Save history' }).and(page.locator(':disabled')).waitFor();
  const saved = await api.get<{ items: { content: string }[] }>('/state/sessions/session-koen-bella-rosa/history');
  assert.equal(saved.body.items.length, 3_000);
  assert.equal(saved.body.items[0]?.content, 'Bericht 0');
  assert.equal(saved.body.items[2800]?.content, 'Bewerkt');
  assert.deepEqual(errors, []);
});
