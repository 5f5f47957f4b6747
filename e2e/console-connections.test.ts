import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ConnectionSummary } from '../src/shared/connections';
import { AguiSocket } from '../test/helpers/agui-socket';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { eventually } from '../test/helpers/wait';
import { launchBrowser } from './helpers/browser';
import { fillEditor, openConsole, screenshot, waitUntilLive } from './helpers/console-page';

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
  await item.first().click();
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
