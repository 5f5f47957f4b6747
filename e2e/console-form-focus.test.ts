import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AguiSocket } from '../test/helpers/agui-socket';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { type ConsolePage, consoleForFile, waitUntilLive } from './helpers/console-page';

// A form opened from a button takes the focus to its first field, and Cancel gives it back to the button.

const browser = await launchBrowser();
const LONG_WAIT_MS = 20_000;
const LAPTOP = { viewport: { width: 1280, height: 720 }, waitMs: LONG_WAIT_MS };

/**
 * Each test opens a form and leaves it unsaved (but a collection of its own, /books, that no other test reads), so
 * they share one engine per world and one console page, loaded afresh for each test.
 */
const blank = await startTestEngine({ template: 'blank' });
const openBlankConsole = await consoleForFile(blank, browser, LAPTOP);
/** The default world's: a new user cancelled, and a connection of its own thread recorded (cancelled too). */
const seeded = await startTestEngine();
const openSeededConsole = await consoleForFile(seeded, browser, LAPTOP);

/** The console at 1280×720, live; `focused` is whatever has the focus. */
async function laptopConsole(open: () => Promise<ConsolePage>) {
  const { page, errors } = await open();
  await waitUntilLive(page);
  return { page, errors, focused: page.locator(':focus') };
}

test('"+ New route" and "+ New WebSocket endpoint": the focus goes to the first field, and back on Cancel', async () => {
  const { page, errors, focused } = await laptopConsole(openBlankConsole);
  await page.getByRole('tab', { name: 'Routes' }).click();
  const editor = page.getByTestId('mount-editor');

  // By the keyboard: Enter on the button, and the route's method is where the typing goes.
  const newRoute = page.getByRole('button', { name: '+ New route' });
  await newRoute.focus();
  await page.keyboard.press('Enter');
  await editor.getByTestId('route-form').getByLabel('Method').and(focused).waitFor();
  await editor.getByRole('button', { name: 'Cancel' }).click();
  await editor.waitFor({ state: 'detached' });
  await newRoute.and(focused).waitFor();

  // A JSON-only mount: its editor, loaded when first shown, takes the focus.
  await page.getByRole('tab', { name: /^WebSocket endpoints/ }).click();
  const newSocket = page.getByRole('button', { name: '+ New WebSocket endpoint' });
  await newSocket.click();
  await editor.getByRole('textbox', { name: 'WebSocket endpoint JSON' }).and(focused).waitFor();
  await editor.getByRole('button', { name: 'Cancel' }).click();
  await editor.waitFor({ state: 'detached' });
  await newSocket.and(focused).waitFor();
  assert.deepEqual(errors, []);
});

test('"+ New scenario": the focus goes to its JSON, and back on Cancel', async () => {
  const { page, errors, focused } = await laptopConsole(openBlankConsole);
  await page.getByRole('tab', { name: 'Scenarios' }).click();
  const newScenario = page.getByRole('button', { name: '+ New scenario' });
  await newScenario.click();
  const editor = page.getByTestId('scenario-editor');
  await editor.getByRole('textbox', { name: 'Scenario JSON' }).and(focused).waitFor();
  await editor.getByRole('button', { name: 'Cancel' }).click();
  await editor.waitFor({ state: 'detached' });
  await newScenario.and(focused).waitFor();
  assert.deepEqual(errors, []);
});

test('"+ New record": the focus goes to its JSON, and back to the button on Cancel', async () => {
  const created = await controlClient(blank).post('/collections', { id: 'books', path: '/books', records: [] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const { page, errors, focused } = await laptopConsole(openBlankConsole);
  await page.getByRole('tab', { name: 'State' }).click();
  await page.getByRole('table', { name: 'Collections' }).getByRole('button', { name: '/books' }).click();
  const newRecord = page.getByRole('button', { name: '+ New record' });
  await newRecord.click();
  const editor = page.getByTestId('record-editor');
  await editor.getByRole('textbox', { name: 'New record JSON' }).and(focused).waitFor();
  await editor.getByRole('button', { name: 'Cancel' }).click();
  await editor.waitFor({ state: 'detached' });
  await newRecord.and(focused).waitFor();
  assert.deepEqual(errors, []);
});

test('"+ New user": the focus goes to its Name, and back to the button on Cancel', async () => {
  const { page, errors, focused } = await laptopConsole(openSeededConsole);
  await page.getByRole('tab', { name: 'State' }).click();
  const newUser = page.getByRole('button', { name: '+ New user' });
  await newUser.click();
  const form = page.getByRole('form', { name: 'New user' });
  await form.getByLabel('Name').and(focused).waitFor();
  await page.keyboard.type('Jan');
  assert.equal(await form.getByLabel('Name').inputValue(), 'Jan');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await form.waitFor({ state: 'detached' });
  await newUser.and(focused).waitFor();
  assert.deepEqual(errors, []);
});

test('"Record as scenario…": the dialog opens on its Name field', async () => {
  const { page, errors } = await laptopConsole(openSeededConsole);
  const client = await AguiSocket.open(seeded.wsUrl);
  client.ask('Hallo', { threadId: 'thread-focus' });
  await client.waitForRuns(1, LONG_WAIT_MS);
  await page.locator('.connection-item', { hasText: 'thread-focus' }).click();
  await page.getByRole('button', { name: 'Record as scenario…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Record as scenario' });
  await dialog.getByTestId('recording-summary').waitFor();
  await dialog.getByLabel('Name').and(page.locator(':focus')).waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Record as scenario…' }).and(page.locator(':focus')).waitFor();
  await client.close();
  assert.deepEqual(errors, []);
});

test('Discard, and a response’s Remove: the button goes (or turns off) once pressed, the focus stays in its form', async () => {
  const { page, errors, focused } = await laptopConsole(openBlankConsole);
  await page.getByRole('tab', { name: 'Routes' }).click();
  await page.getByRole('table', { name: 'Routes' }).getByRole('button', { name: '/hello' }).click();
  const editor = page.getByTestId('mount-editor');
  await editor.getByLabel('Name', { exact: true }).first().fill('Renamed');
  await editor.getByRole('button', { name: 'Discard' }).click();
  await editor.getByRole('button', { name: 'Discard' }).waitFor({ state: 'detached' });
  await editor.locator('input, select, textarea').and(focused).waitFor();
  // A response removed: its card goes, the focus stays in the form.
  await editor.getByRole('button', { name: '+ Response' }).click();
  await editor.getByTestId('response-1').getByRole('button', { name: 'Remove' }).click();
  await editor.getByTestId('response-1').waitFor({ state: 'detached' });
  await editor.locator('button, input, select, textarea').and(focused).waitFor();

  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('Scenario speed').fill('2');
  await page.getByRole('button', { name: 'Discard' }).click();
  await page.getByLabel('Scenario speed').and(focused).waitFor();
  assert.deepEqual(errors, []);
});

test('a response’s ↑ ↓: the focus follows the response it moved, so pressing Move down twice moves it twice', async () => {
  const { page, errors, focused } = await laptopConsole(openBlankConsole);
  await page.getByRole('tab', { name: 'Routes' }).click();
  await page.getByRole('table', { name: 'Routes' }).getByRole('button', { name: '/hello' }).click();
  const form = page.getByTestId('route-form');
  await form.getByRole('button', { name: '+ Response' }).click();
  await form.getByRole('button', { name: '+ Response' }).click();
  const order = () => form.locator('.response-card h3 .mono').allTextContents();

  await form.getByRole('button', { name: 'Move response 1 down' }).focus();
  await page.keyboard.press('Enter');
  await form.getByRole('button', { name: 'Move response 2 down' }).and(focused).waitFor();
  await page.keyboard.press('Enter');
  // At the bottom its down button is off: the focus is on its up button.
  await form.getByRole('button', { name: 'Move response 3 up' }).and(focused).waitFor();
  assert.deepEqual(await order(), [' · response-2', ' · response-3', ' · greeting']);
  await page.keyboard.press('Enter');
  await form.getByRole('button', { name: 'Move response 2 up' }).and(focused).waitFor();
  await page.keyboard.press('Enter');
  await form.getByRole('button', { name: 'Move response 1 down' }).and(focused).waitFor();
  assert.deepEqual(await order(), [' · greeting', ' · response-2', ' · response-3']);
  assert.deepEqual(errors, []);
});
