import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ConnectionSummary } from '../src/shared/connections';
import { AguiSocket } from '../test/helpers/agui-socket';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { eventually } from '../test/helpers/wait';
import { launchBrowser } from './helpers/browser';
import { fillEditor, openConsole, screenshot, selectFirstConnection, waitUntilLive } from './helpers/console-page';

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();

const PROMPT = 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854';

test('a client connects, its run streams in, the timeline draws the spans, frames can be inspected', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);

  const empty = page.getByTestId('connections-empty');
  await empty.waitFor();
  assert.match(
    (await empty.textContent()) ?? '',
    new RegExp(server.wsUrl.replaceAll('/', '\\/')),
    'snippets name the real WS URL',
  );
  await screenshot(page, 'connections-empty');

  const ws = await AguiSocket.open(server.wsUrl);
  const item = page.locator('.connection-item');
  await item.first().waitFor();
  assert.equal(await item.count(), 1);
  // With no connection shown the keys work on the list: `/` goes to its search, j into it, Enter selects.
  const search = page.getByLabel('Search connections');
  await page.keyboard.press('/');
  await search.and(page.locator(':focus')).waitFor();
  await search.blur();
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await item.first().and(page.locator('[aria-selected="true"]')).waitFor();
  ws.ask(PROMPT);
  await ws.waitForRuns(1);

  // Every frame both ways: the prompt in, each event out.
  await page
    .getByTestId('frame-count')
    .filter({ hasText: `${ws.events.length + 1} frames` })
    .waitFor();
  const timeline = page.getByTestId('run-timeline');
  await timeline.locator('.timeline-span[data-kind="run"][data-open="false"]').waitFor();
  await timeline.locator('.timeline-span[data-kind="tool"]', { hasText: 'get_company_info' }).waitFor();
  await timeline.locator('.timeline-span[data-kind="text"]').first().waitFor();
  assert.equal(
    await timeline.locator('.timeline-span[data-open="true"]').count(),
    0,
    'a finished run leaves nothing open',
  );
  assert.equal(await timeline.locator('.timeline-break').count(), 0, 'the engine breaks no rule');

  // Filter to tool starts (transfer_to_agent, get_company_info, …), move down twice with j, inspect with Enter.
  await page.getByLabel('Filter by event type').selectOption('TOOL_CALL_START');
  // Shortcuts are ignored while a form control has the focus (j/k would pick options in a select).
  await page.getByLabel('Filter by event type').blur();
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  const inspector = page.getByTestId('frame-inspector');
  await inspector.filter({ hasText: 'get_company_info' }).waitFor();
  await page.getByLabel('Filter by event type').selectOption('');
  await screenshot(page, 'connections');
  // The theme follows the system: the light one, too.
  await page.emulateMedia({ colorScheme: 'light' });
  await page.locator('html[data-theme="light"]').waitFor({ state: 'attached' });
  await screenshot(page, 'connections-light');
  await page.emulateMedia({ colorScheme: 'dark' });

  // The timeline shows a span left open, and the rule an injection breaks.
  await fetch(`${server.url}/__console/api/connections/${await selectedConnectionId(page)}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      events: [
        { type: 'RUN_STARTED', threadId: 'thread-test', runId: 'run-open' },
        { type: 'TEXT_MESSAGE_START', messageId: 'never-ended', role: 'assistant' },
      ],
    }),
  });
  await timeline.locator('.timeline-span[data-kind="text"][data-open="true"]').waitFor();
  await timeline.locator('.timeline-span[data-kind="run"][data-open="true"]').waitFor();
  await screenshot(page, 'timeline-open-spans');
  assert.deepEqual(errors, []);
});

async function selectedConnectionId(page: Page): Promise<string> {
  const id = await page.locator('.connection-item[aria-selected="true"]').getAttribute('data-testid');
  return (id ?? '').replace('connection-', '');
}

test('inject from templates: a text message reaches the client; a rule break is named and can be sent anyway', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  const ws = await AguiSocket.open(server.wsUrl);
  await page.locator('.connection-item').first().click();
  await page.getByRole('button', { name: 'Inject…' }).click();
  const composer = page.getByTestId('event-composer');
  const editor = composer.locator('.cm-content');
  // The drawer opens loading the default type's template; picking another before it is in could let the slower
  // answer land last.
  await editor.filter({ hasText: '"type": "TEXT_MESSAGE_START"' }).waitFor();

  const sendFromTemplate = async (type: string, sentBefore: number) => {
    await composer.getByLabel('Event type').selectOption(type);
    await editor.filter({ hasText: `"type": "${type}"` }).waitFor();
    await composer.getByRole('button', { name: 'Send', exact: true }).click();
    await ws.waitUntil(() => ws.events.length > sentBefore);
  };
  await sendFromTemplate('RUN_STARTED', 0);
  await sendFromTemplate('TEXT_MESSAGE_START', 1);
  await sendFromTemplate('TEXT_MESSAGE_CONTENT', 2);
  await sendFromTemplate('TEXT_MESSAGE_END', 3);
  assert.deepEqual(
    ws.events.map((event) => event.type),
    ['RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END'],
  );
  const [, start, content, end] = ws.events;
  assert.equal(content?.messageId, start?.messageId, 'the CONTENT template names the open message');
  assert.equal(end?.messageId, start?.messageId);

  // No message is open now: CONTENT would break T2, and the console says so before sending.
  await composer.getByLabel('Event type').selectOption('TEXT_MESSAGE_CONTENT');
  const findings = composer.getByTestId('findings');
  await findings.filter({ hasText: 'T2' }).waitFor();
  assert.match((await findings.textContent()) ?? '', /need an open text message/);
  await screenshot(page, 'inject-warning');
  await composer.getByRole('button', { name: 'Send anyway' }).click();
  await ws.waitUntil(() => ws.events.length === 5);
  assert.equal(ws.events[4]?.type, 'TEXT_MESSAGE_CONTENT');
  await composer.getByRole('status').filter({ hasText: 'anyway, breaking T2' }).waitFor();
  // Sent, the same event would break T2 again: the rule is checked anew, and said before the next send.
  await findings.filter({ hasText: 'T2' }).waitFor();
  await composer.getByRole('button', { name: 'Send anyway' }).waitFor();

  // A macro streams a whole text message, in a run of its own when none is active.
  const drawer = page.getByTestId('inject-drawer');
  await drawer.getByRole('tab', { name: 'Macros' }).click();
  // One tab at a time: the event composer's panel is hidden while Macros shows.
  await drawer.getByRole('tabpanel', { name: 'Event' }).waitFor({ state: 'hidden' });
  assert.equal(await drawer.getByRole('button', { name: 'Send anyway' }).isVisible(), false, 'Event tab hidden');
  const macro = drawer.getByTestId('macro-text-message');
  await macro.getByLabel('Text').fill('Dit komt in stukjes');
  await macro.getByLabel('Chunk size (characters)').fill('5');
  await macro.getByLabel('Delay between chunks (ms)').fill('0');
  await macro.getByRole('button', { name: 'Run macro' }).click();
  await macro
    .getByRole('status')
    .filter({ hasText: /Sent \d+ events/ })
    .waitFor();
  await ws.waitFor((event) => event.type === 'TEXT_MESSAGE_END', 5);
  const streamed = ws.events.slice(5).filter((event) => event.type === 'TEXT_MESSAGE_CONTENT');
  assert.equal(streamed.map((event) => event.delta).join(''), 'Dit komt in stukjes');
  assert.deepEqual(
    streamed.map((event) => event.delta.length),
    [5, 5, 5, 4],
  );
  // The answer was about those values: changed, it goes.
  await macro.getByLabel('Text').fill('Iets anders');
  await macro
    .getByRole('status')
    .filter({ hasText: /Sent \d+ events/ })
    .waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
});

test('a schema error is shown as you type and the engine refuses it; close with 4001 reaches the client', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  const ws = await AguiSocket.open(server.wsUrl);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await page.locator('.connection-item').first().click();
  await page.getByRole('button', { name: 'Inject…' }).click();
  const drawer = page.getByTestId('inject-drawer');

  const editor = drawer.locator('.cm-content');
  await editor.filter({ hasText: 'TEXT_MESSAGE_START' }).waitFor();

  // Several chosen connections get the same events.
  const other = await AguiSocket.open(server.wsUrl);
  await page.locator('.connection-item').nth(1).waitFor();
  await drawer.getByLabel('Send to').selectOption('chosen');
  await drawer.getByRole('group', { name: 'Send to these connections' }).getByRole('checkbox').nth(0).check();
  await drawer.getByRole('group', { name: 'Send to these connections' }).getByRole('checkbox').nth(1).check();
  await fillEditor(page, editor, '{ "type": "RUN_STARTED", "threadId": "both", "runId": "run-both" }');
  await drawer.getByRole('button', { name: 'Send', exact: true }).click();
  await ws.waitFor((event) => event.runId === 'run-both');
  await other.waitFor((event) => event.runId === 'run-both');
  await drawer.getByRole('status').filter({ hasText: 'Sent 2 events' }).waitFor();
  await drawer.getByLabel('Send to').selectOption('this');

  await fillEditor(page, editor, '{ "type": "TEXT_MESSAGE_START", "role": "assistant" }');
  await drawer.locator('.cm-lintRange-error').first().waitFor();
  await drawer.getByRole('button', { name: 'Send', exact: true }).click();
  await drawer.getByRole('alert').filter({ hasText: 'refused' }).waitFor();
  await drawer.locator('.notice.error li', { hasText: 'messageId' }).waitFor();
  assert.equal(ws.events.length, 1, 'nothing more was sent');
  assert.match((await editor.textContent()) ?? '', /"role": "assistant"/, 'what was typed is kept');

  await drawer.getByRole('tab', { name: 'Socket' }).click();
  assert.equal(await drawer.getByRole('button', { name: 'Send anyway' }).isVisible(), false, 'Event tab hidden');

  // Paused delivery holds what is sent until resumed.
  await drawer.getByRole('button', { name: 'Pause delivery' }).click();
  await page.getByText('delivery paused').waitFor();
  const connectionId = await selectedConnectionId(page);
  const held = await fetch(`${server.url}/__console/api/connections/${connectionId}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events: [{ type: 'RUN_FINISHED', threadId: 'both', runId: 'run-both' }] }),
  });
  assert.equal(held.status, 200);
  const api = controlClient(server);
  await eventually(
    async () => (await api.get<ConnectionSummary>(`/connections/${connectionId}`)).body.heldFrames === 1,
    'the event to be held',
  );
  assert.equal(ws.events.length, 1, 'held, not delivered');
  await drawer.getByRole('button', { name: 'Resume delivery' }).click();
  await ws.waitFor((event) => event.type === 'RUN_FINISHED');

  const code = drawer.getByLabel('Close code');
  await code.fill('2000');
  await drawer.getByText(/Use 1000, 1001/).waitFor();
  assert.equal(await drawer.getByRole('button', { name: 'Close connection' }).isDisabled(), true);
  await code.fill('4001');
  await drawer.getByLabel('Close reason').fill('Token expired');
  await drawer.getByRole('button', { name: 'Close connection' }).click();
  const { code: received, reason } = await closed;
  assert.equal(received, 4001);
  assert.equal(reason, 'Token expired');
  await page.locator('.connection-item').filter({ hasText: 'closed 4001' }).waitFor();
  assert.deepEqual(errors, []);
});

test('inject: why Send or Run macro is off is said beside it; a macro field says what is wrong, by its label, as you type', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
  });
  await waitUntilLive(page);
  const ws = await AguiSocket.open(server.wsUrl);
  await page.locator('.connection-item').first().click();
  await page.getByRole('button', { name: 'Inject…' }).click();
  const drawer = page.getByTestId('inject-drawer');
  const editor = drawer.locator('.cm-content');
  await editor.filter({ hasText: 'TEXT_MESSAGE_START' }).waitFor();
  const send = drawer.getByRole('button', { name: 'Send', exact: true });
  const blocked = drawer.getByTestId('event-composer').getByTestId('save-blocked');

  // JSON that does not parse: Send is off, and the line beside it says why (and is read with it).
  await fillEditor(page, editor, '{"type": "TEXT_MESSAGE_CONTENT",\n"delta":');
  await blocked.filter({ hasText: /^Cannot send yet: Not JSON: / }).waitFor();
  assert.equal(await send.isDisabled(), true);
  assert.equal(await send.getAttribute('aria-describedby'), await blocked.getAttribute('id'));
  await screenshot(page, 'inject-not-json');

  // Schema errors: each named beside Send (which stays on: the engine has the last word).
  await fillEditor(page, editor, '{"type": "TEXT_MESSAGE_CONTENT", "delta": 5}');
  await blocked.filter({ hasText: /^Fix the schema errors first: / }).waitFor();
  const words = (await blocked.textContent()) ?? '';
  assert.match(words, /messageId: required/);
  assert.match(words, /delta: /);
  assert.equal(await send.getAttribute('aria-describedby'), await blocked.getAttribute('id'));
  await screenshot(page, 'inject-schema-errors');

  // A macro's fields: checked as typed, said at the field by its label, and why Run is off beside it.
  await drawer.getByRole('tab', { name: 'Macros' }).click();
  const macro = drawer.getByTestId('macro-text-message');
  const chunkSize = macro.getByLabel('Chunk size (characters)');
  await chunkSize.fill('0');
  await macro.getByLabel('Delay between chunks (ms)').fill('-5');
  await macro.getByText('Chunk size (characters): must be at least 1', { exact: true }).waitFor();
  await macro.getByText('Delay between chunks (ms): must be at least 0', { exact: true }).waitFor();
  assert.equal(await chunkSize.getAttribute('aria-invalid'), 'true');
  // Named by its label alone: what is wrong is its description, not part of its name.
  const named = macro.getByRole('spinbutton', { name: 'Chunk size (characters)', exact: true });
  assert.equal(await named.count(), 1);
  assert.equal(
    await named.getAttribute('aria-describedby'),
    await macro.getByText('Chunk size (characters): must be at least 1', { exact: true }).getAttribute('id'),
  );
  const run = macro.getByRole('button', { name: 'Run macro' });
  assert.equal(await run.isDisabled(), true);
  const why = macro.getByTestId('save-blocked');
  assert.equal(
    await why.textContent(),
    'Cannot run yet: Chunk size (characters): must be at least 1; Delay between chunks (ms): must be at least 0',
  );
  assert.equal(await run.getAttribute('aria-describedby'), await why.getAttribute('id'));
  assert.equal(await macro.getByText(/chunkSize|delayMs/).count(), 0, 'no internal names');
  await screenshot(page, 'inject-macro-problems');
  await chunkSize.fill('4');
  await macro.getByLabel('Delay between chunks (ms)').fill('0');
  await why.waitFor({ state: 'detached' });
  assert.equal(await run.isEnabled(), true);
  assert.equal(ws.events.length, 0, 'nothing was sent');
  assert.deepEqual(errors, []);
});

test('inject to all: a rule broken on every connection is named once with their count; Drop TCP… closes its question once dropped', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
  });
  await waitUntilLive(page);
  const clients = await Promise.all([1, 2, 3].map(() => AguiSocket.open(server.wsUrl)));
  for (const [index, client] of clients.entries()) client.ask('Hallo', { threadId: `thread-${index}` });
  await Promise.all(clients.map((client) => client.waitForRuns(1)));
  const [first] = clients;
  assert.ok(first);
  const closed = new Promise<number>((resolve) => first.socket.once('close', (code) => resolve(code)));
  await page.locator('.connection-item', { hasText: 'thread-0' }).click();
  await page.getByRole('button', { name: 'Inject…' }).click();
  const drawer = page.getByTestId('inject-drawer');
  const composer = drawer.getByTestId('event-composer');
  await composer.locator('.cm-content').filter({ hasText: 'TEXT_MESSAGE_START' }).waitFor();
  await composer.getByLabel('Event type').selectOption('CUSTOM');
  await composer.locator('.cm-content').filter({ hasText: '"type": "CUSTOM"' }).waitFor();
  await composer.getByLabel('Send to').selectOption('all');
  // It counts, and sends to, the open AG-UI connections only (a socket of another protocol takes no events).
  assert.equal(
    await composer.getByLabel('Send to').locator('option:checked').textContent(),
    'All open AG-UI connections (3)',
  );
  await composer.getByRole('button', { name: 'Send', exact: true }).click();
  // Refused first: what every connection would break is listed once, with the number of connections.
  const findings = composer.getByTestId('findings').filter({ hasText: 'on 3 connections' });
  await findings.waitFor();
  assert.equal(await findings.locator('li').count(), 1);
  await composer.getByRole('button', { name: 'Send anyway' }).click();
  const sent = composer.getByRole('status').filter({ hasText: /^Sent / });
  await sent.waitFor();
  assert.equal(await sent.textContent(), 'Sent 3 events anyway, breaking R3 on 3 connections.');
  await screenshot(page, 'inject-all-sent');

  // Drop TCP… asks in place (the focus on Cancel); once dropped, the question is gone, not left disabled.
  await drawer.getByRole('tab', { name: 'Socket' }).click();
  const focused = page.locator(':focus');
  await drawer.getByRole('button', { name: 'Drop TCP…' }).click();
  const question = drawer.getByRole('alertdialog', { name: 'Drop TCP' });
  await question.getByRole('button', { name: 'Cancel' }).and(focused).waitFor();
  await question.getByRole('button', { name: 'Drop it now (1006)' }).click();
  assert.equal(await closed, 1006);
  await drawer.getByText('connection closed').waitFor();
  await question.waitFor({ state: 'detached' });
  assert.equal(await drawer.getByRole('button', { name: 'Drop TCP…' }).isDisabled(), true);
  await drawer.getByRole('tab', { name: 'Socket' }).and(focused).waitFor();
  await screenshot(page, 'inject-dropped');
  assert.deepEqual(errors, []);
});

test('a connection closed while paused: its header drops the pause and latency, and says what became of the held frames', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  const ws = await AguiSocket.open(server.wsUrl);
  const id = await selectFirstConnection(page);
  const api = controlClient(server);
  await api.patch(`/connections/${id}`, { paused: true, latencyMs: 200 });
  const facts = page.locator('.connection-header .facts');
  await facts.getByText('delivery paused').waitFor();
  await facts.getByText('+200 ms latency').waitFor();
  const held = await api.post(`/connections/${id}/events`, {
    events: [{ type: 'RUN_STARTED', threadId: 't1', runId: 'held' }],
  });
  assert.equal(held.status, 200);
  await eventually(
    async () => (await api.get<ConnectionSummary>(`/connections/${id}`)).body.heldFrames === 1,
    'the event to be held',
  );

  ws.socket.close();
  await facts.locator('.badge', { hasText: 'closed' }).waitFor();
  const text = (await facts.textContent()) ?? '';
  assert.doesNotMatch(text, /delivery paused|latency/, 'a closed connection delivers nothing: no pause, no latency');
  assert.match(text, /1 held frame dropped/, 'the frame it held never went out');
  assert.deepEqual(errors, []);
});
