import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { SavedPayload } from '../src/shared/saved-payload';
import { AguiSocket } from '../test/helpers/agui-socket';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { fillEditor, openConsole, screenshot, waitUntilLive } from './helpers/console-page';

// What a person types in the inject drawer is kept per connection; saved and recent payloads load into it.

const browser = await launchBrowser();
/** Generous: the machine is shared, and a reload rebuilds the whole console. */
const LONG_WAIT_MS = 20_000;

async function openInject(page: Page, threadId: string) {
  await page.locator('.connection-item', { hasText: threadId }).click();
  await page.getByRole('button', { name: 'Inject…' }).click();
  const drawer = page.getByTestId('inject-drawer');
  await drawer.waitFor();
  return drawer;
}

/** A client whose connection shows its thread in the list. */
async function clientOnThread(url: string, threadId: string): Promise<AguiSocket> {
  const client = await AguiSocket.open(url);
  client.ask('Hallo', { threadId });
  await client.waitForRuns(1, LONG_WAIT_MS);
  return client;
}

test('drafts survive closing the drawer, a view switch, a connection switch and a reload', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  page.setDefaultTimeout(LONG_WAIT_MS);
  await waitUntilLive(page);
  await clientOnThread(server.wsUrl, 'thread-a');
  await clientOnThread(server.wsUrl, 'thread-b');

  // Connection A: an event typed by hand, a close reason.
  let drawer = await openInject(page, 'thread-a');
  const typed = '{ "type": "CUSTOM", "name": "draft-of-a", "value": { "kept": true } }';
  await drawer.locator('.cm-content').filter({ hasText: 'TEXT_MESSAGE_START' }).waitFor();
  await fillEditor(page, drawer.locator('.cm-content'), typed);
  await drawer.getByTestId('draft-status').filter({ hasText: 'Your draft' }).waitFor();
  await drawer.getByRole('tab', { name: 'Socket' }).click();
  await drawer.getByLabel('Close reason').fill('Reason typed for A');
  await drawer.getByRole('tab', { name: 'Event' }).click();

  // Closed and opened again.
  await drawer.getByRole('button', { name: 'Close inject drawer' }).click();
  await drawer.waitFor({ state: 'detached' });
  drawer = await openInject(page, 'thread-a');
  await drawer.locator('.cm-content').filter({ hasText: 'draft-of-a' }).waitFor();

  // Another view and back: the drawer is there again as it was left.
  await page.getByRole('tab', { name: 'Requests' }).click();
  await drawer.waitFor({ state: 'detached' });
  await page.getByRole('tab', { name: /^Connections/ }).click();
  await drawer.locator('.cm-content').filter({ hasText: 'draft-of-a' }).waitFor();

  // Connection B has a draft of its own: a template in the editor, a macro text typed.
  drawer = await openInject(page, 'thread-b');
  await drawer.locator('.cm-content').filter({ hasText: 'TEXT_MESSAGE_START' }).waitFor();
  assert.doesNotMatch((await drawer.locator('.cm-content').textContent()) ?? '', /draft-of-a/);
  await drawer.getByRole('tab', { name: 'Macros' }).click();
  await drawer.getByTestId('macro-text-message').getByLabel('Text').fill('Macro text typed for B');
  await drawer.getByTestId('macro-text-message').getByLabel('Chunk size (characters)').fill('3');

  drawer = await openInject(page, 'thread-a');
  await drawer.locator('.cm-content').filter({ hasText: 'draft-of-a' }).waitFor();
  await screenshot(page, 'inject-draft');

  // A reload keeps both.
  await page.reload();
  await waitUntilLive(page);
  drawer = await openInject(page, 'thread-a');
  await drawer.locator('.cm-content').filter({ hasText: 'draft-of-a' }).waitFor();
  assert.match((await drawer.locator('.cm-content').textContent()) ?? '', /"kept": true/);
  await drawer.getByRole('tab', { name: 'Socket' }).click();
  assert.equal(await drawer.getByLabel('Close reason').inputValue(), 'Reason typed for A');
  drawer = await openInject(page, 'thread-b');
  await drawer.getByRole('tab', { name: 'Macros' }).click();
  const macro = drawer.getByTestId('macro-text-message');
  assert.equal(await macro.getByLabel('Text').inputValue(), 'Macro text typed for B');
  assert.equal(await macro.getByLabel('Chunk size (characters)').inputValue(), '3');
  await drawer.getByRole('tab', { name: 'Event' }).click();
  await drawer.locator('.cm-content').filter({ hasText: 'TEXT_MESSAGE_START' }).waitFor();

  // A fresh template replaces the draft; what was typed can be put back.
  drawer = await openInject(page, 'thread-a');
  await drawer.locator('.cm-content').filter({ hasText: 'draft-of-a' }).waitFor();
  await drawer.getByRole('button', { name: 'Fresh template' }).click();
  await drawer.locator('.cm-content').filter({ hasText: 'TEXT_MESSAGE_START' }).waitFor();
  await drawer.getByRole('button', { name: 'Put back what was replaced' }).click();
  await drawer.locator('.cm-content').filter({ hasText: 'draft-of-a' }).waitFor();

  // Kept per engine and connection in this browser's storage, nowhere else.
  const keys = (await page.evaluate(
    "Object.keys(localStorage).filter((key) => key.includes('inject-draft'))",
  )) as string[];
  assert.equal(keys.length, 2, keys.join(', '));
  assert.deepEqual(errors, []);
});

test('saved payloads (shared in the workspace) and recent ones (this browser) load into the editor', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const { page, errors } = await openConsole(server, browser);
  page.setDefaultTimeout(LONG_WAIT_MS);
  await waitUntilLive(page);
  const client = await clientOnThread(server.wsUrl, 'thread-payloads');
  const drawer = await openInject(page, 'thread-payloads');
  const editor = drawer.locator('.cm-content');
  const shelf = drawer.getByTestId('event-composer').getByTestId('payload-shelf');
  await editor.filter({ hasText: 'TEXT_MESSAGE_START' }).waitFor();

  // Sent: remembered as recent.
  const sentOnce = [
    { type: 'RUN_STARTED', threadId: 'thread-payloads', runId: 'sent-once' },
    { type: 'RUN_FINISHED', threadId: 'thread-payloads', runId: 'sent-once' },
  ];
  await fillEditor(page, editor, JSON.stringify(sentOnce));
  const before = client.events.length;
  await drawer.getByRole('button', { name: 'Send', exact: true }).click();
  await client.waitFor((event) => event.type === 'RUN_FINISHED' && event.runId === 'sent-once', before, LONG_WAIT_MS);

  // Saved under a name: in the engine's store, for the workspace file.
  await fillEditor(page, editor, '[{ "type": "CUSTOM", "name": "saved-one", "value": { "n": 1 } }]');
  await shelf.getByRole('button', { name: 'Save as…' }).click();
  await shelf.getByLabel('Name').fill('Custom burst');
  await shelf.getByLabel('Description (optional)').fill('One CUSTOM event');
  await shelf.getByRole('button', { name: 'Save payload' }).click();
  await shelf.getByLabel('Name').waitFor({ state: 'detached' });
  const saved = await api.get<{ items: SavedPayload[] }>('/payloads');
  assert.deepEqual(saved.body.items, [
    {
      id: 'custom-burst',
      name: 'Custom burst',
      description: 'One CUSTOM event',
      kind: 'events',
      body: [{ type: 'CUSTOM', name: 'saved-one', value: { n: 1 } }],
    },
  ]);

  // Another type's template replaces the editor; the saved payload and the recent one load back.
  await drawer.getByLabel('Event type').selectOption('RUN_STARTED');
  await editor.filter({ hasText: '"RUN_STARTED"' }).waitFor();
  const picker = shelf.getByLabel('Saved or recent payload');
  await picker.selectOption({ label: 'Custom burst' });
  await shelf.getByRole('button', { name: 'Load' }).click();
  await editor.filter({ hasText: 'saved-one' }).waitFor();
  const recentOption = picker.locator('option', { hasText: 'RUN_STARTED + 1 more' });
  await picker.selectOption((await recentOption.getAttribute('value')) ?? '');
  await shelf.getByRole('button', { name: 'Load' }).click();
  await editor.filter({ hasText: 'sent-once' }).waitFor();

  // A payload someone else saved (another console, a script) appears through the live feed.
  const fromScript = await api.put('/payloads/from-a-script', {
    name: 'From a script',
    kind: 'json',
    body: { hello: 'world' },
  });
  assert.equal(fromScript.status, 201);
  await picker.locator('option', { hasText: 'From a script' }).waitFor({ state: 'attached' });

  // The same name cannot be saved twice by accident; replacing is a choice.
  await shelf.getByRole('button', { name: 'Save as…' }).click();
  await shelf.getByLabel('Name').fill('custom burst');
  await shelf.getByRole('button', { name: 'Replace “Custom burst”' }).click();
  await shelf.getByLabel('Name').waitFor({ state: 'detached' });
  const replaced = await api.get<SavedPayload>('/payloads/custom-burst');
  assert.deepEqual(replaced.body.body, sentOnce);

  // Rename and delete.
  await shelf.getByRole('button', { name: 'Saved…' }).click();
  const item = shelf.getByTestId('saved-payload-custom-burst');
  await item.getByRole('button', { name: 'Rename' }).click();
  await item.getByLabel('New name for Custom burst').fill('Renamed burst');
  await item.getByRole('button', { name: 'Save name' }).click();
  await item.getByText('Renamed burst').waitFor();
  assert.equal((await api.get<SavedPayload>('/payloads/custom-burst')).body.name, 'Renamed burst');
  await screenshot(page, 'inject-saved-payloads');
  const scripted = shelf.getByTestId('saved-payload-from-a-script');
  await scripted.getByRole('button', { name: 'Delete…' }).click();
  await scripted.getByRole('button', { name: 'Delete', exact: true }).click();
  await scripted.waitFor({ state: 'detached' });
  assert.equal((await api.get('/payloads/from-a-script')).status, 404);

  // Macros: sent ones are recent, and a macro's parameters are saved and loaded back into its form.
  await drawer.getByRole('tab', { name: 'Macros' }).click();
  const macro = drawer.getByTestId('macro-text-message');
  await macro.getByLabel('Text').fill('Macro sent once');
  await macro.getByLabel('Delay between chunks (ms)').fill('0');
  await macro.getByRole('button', { name: 'Run macro' }).click();
  await macro
    .getByRole('status')
    .filter({ hasText: /Sent \d+ events/ })
    .waitFor();
  const macroShelf = macro.getByTestId('payload-shelf');
  await macroShelf.getByRole('button', { name: 'Save as…' }).click();
  await macroShelf.getByLabel('Name').fill('Greeting macro');
  await macroShelf.getByRole('button', { name: 'Save payload' }).click();
  await macroShelf.getByLabel('Name').waitFor({ state: 'detached' });
  const savedMacro = await api.get<SavedPayload>('/payloads/greeting-macro');
  assert.deepEqual(savedMacro.body.body, {
    macro: 'text-message',
    params: { text: 'Macro sent once', chunkSize: 8, delayMs: 0 },
  });
  await macro.getByLabel('Text').fill('Something else');
  await macroShelf.getByLabel('Saved or recent payload').selectOption({ label: 'Greeting macro' });
  await macroShelf.getByRole('button', { name: 'Load' }).click();
  const text = macro.getByLabel('Text');
  for (const deadline = Date.now() + LONG_WAIT_MS; (await text.inputValue()) !== 'Macro sent once'; ) {
    assert.ok(Date.now() < deadline, 'the saved macro loads into its form');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  // Recent payloads are this browser's: still there after a reload.
  await page.reload();
  await waitUntilLive(page);
  const again = await openInject(page, 'thread-payloads');
  const recent = again
    .getByTestId('event-composer')
    .getByLabel('Saved or recent payload')
    .locator('optgroup[label="Sent recently from this browser"] option');
  await recent.first().waitFor({ state: 'attached' });
  assert.match((await recent.allTextContents()).join('\n'), /RUN_STARTED \+ 1 more/);
  assert.deepEqual(errors, []);
});
