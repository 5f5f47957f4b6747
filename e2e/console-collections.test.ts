import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { fillEditor, openConsole, screenshot, waitUntilLive } from './helpers/console-page';

const browser = await launchBrowser();

async function books(url: string): Promise<unknown> {
  const response = await fetch(`${url}/books`);
  assert.equal(response.status, 200);
  return response.json();
}

/** Polls the collection's REST API until it serves what the console saved (generous: the machine is shared). */
async function until(url: string, ok: (listed: unknown) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  let listed = await books(url);
  while (!ok(listed)) {
    if (Date.now() > deadline) assert.fail(`${what}: GET /books still ${JSON.stringify(listed)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    listed = await books(url);
  }
}

const titles = (listed: unknown) =>
  (Array.isArray(listed) ? listed : []).map((record: { title?: unknown }) => record.title);

test("State: a collection's records are listed, created, edited and deleted, and its REST API serves them", async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const created = await api.post('/collections', {
    id: 'books',
    name: 'Books',
    path: '/books',
    records: [{ id: 1, title: 'Dune' }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { waitMs: 15_000 });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'State' }).click();
  await page.getByRole('table', { name: 'Collections' }).getByRole('button', { name: '/books' }).waitFor();
  const records = page.getByRole('table', { name: 'Records of books' });
  await records.getByText('"title":"Dune"').waitFor();

  // A new record gets the next id from the collection.
  await page.getByRole('button', { name: '+ New record' }).click();
  const editor = page.getByTestId('record-editor');
  await fillEditor(page, editor.getByLabel('New record JSON'), '{"title": "Emma"}');
  await editor.getByRole('button', { name: 'Create record' }).click();
  await until(server.url, (listed) => titles(listed).includes('Emma'), 'the created record');
  await records.getByRole('button', { name: '2' }).waitFor();

  // Edited: what the API serves at once.
  await records.getByRole('button', { name: '1' }).click();
  await fillEditor(page, editor.getByLabel('Record 1 JSON'), '{"id": 1, "title": "Dune Messiah"}');
  await editor.getByRole('button', { name: 'Save record' }).click();
  await until(server.url, (listed) => titles(listed).includes('Dune Messiah'), 'the edited record');
  await records.getByText('"title":"Dune Messiah"').waitFor();

  // A refused Create: its error is about the text sent, and goes once the text changes.
  await page.getByRole('button', { name: '+ New record' }).click();
  await fillEditor(page, editor.getByLabel('New record JSON'), '{"id": 1, "title": "Dune again"}');
  await editor.getByRole('button', { name: 'Create record' }).click();
  const refusal = editor.getByRole('alert');
  await refusal.waitFor();
  await fillEditor(page, editor.getByLabel('New record JSON'), '{"id": 3, "title": "Dune again"}');
  await refusal.waitFor({ state: 'detached' });
  await records.getByRole('button', { name: '1', exact: true }).click();

  // A record that is not an object is refused before it is sent.
  await fillEditor(page, editor.getByLabel('Record 1 JSON'), '[1, 2]');
  assert.equal(await editor.getByRole('button', { name: 'Save record' }).isDisabled(), true);
  await editor.getByRole('button', { name: 'Discard' }).click();

  // A record changed through the REST API shows without a reload.
  const patched = await fetch(`${server.url}/books/2`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Emma (annotated)' }),
  });
  assert.equal(patched.status, 200);
  await records.getByText('"title":"Emma (annotated)"').waitFor();
  await screenshot(page, 'state-collections');

  await records.getByRole('button', { name: '2' }).click();
  await editor.getByRole('button', { name: 'Delete…' }).click();
  await editor.getByRole('button', { name: 'Delete', exact: true }).click();
  await until(server.url, (listed) => !titles(listed).includes('Emma (annotated)'), 'the deleted record');
  assert.equal((await fetch(`${server.url}/books/2`)).status, 404);
  // The last record deleted: the focus goes to the one before it in the list, not to the page.
  await records.getByRole('button', { name: '1', exact: true }).and(page.locator(':focus')).waitFor();

  // Routes lists the collection among the mounts; its records are a click away.
  await page.getByRole('tab', { name: 'Routes' }).click();
  await page.getByRole('tab', { name: /^Collections/ }).click();
  await page.getByRole('table', { name: 'Collections' }).getByRole('button', { name: '/books' }).click();
  await page.getByTestId('mount-editor').getByRole('button', { name: 'Records in State' }).click();
  await page.getByRole('table', { name: 'Records of books' }).getByText('"title":"Dune Messiah"').waitFor();
  assert.deepEqual(errors, []);
});

test('Collections: Create says in words why it is off, and an edit clears the refusal of the last Create', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  assert.equal((await api.post('/collections', { id: 'books', path: '/books', records: [] })).status, 201);
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { waitMs: 15_000 });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Routes' }).click();
  await page.getByRole('tab', { name: /^Collections/ }).click();
  await page.getByRole('button', { name: '+ New collection' }).click();
  const editor = page.getByTestId('mount-editor');
  const json = editor.getByLabel('Collection JSON');
  const create = editor.getByRole('button', { name: 'Create' });

  // Not only a gutter mark: the first problem, next to the button and read with it.
  await fillEditor(page, json, '{"id": "Books!", "path": "/books2", "records": []}');
  const blocked = editor.getByTestId('save-blocked');
  await blocked.filter({ hasText: /^Cannot create yet: id: / }).waitFor();
  assert.equal(await create.isDisabled(), true);
  assert.equal(await create.getAttribute('aria-describedby'), await blocked.getAttribute('id'));
  await fillEditor(page, json, '{"id": "books", "path": "/books2"');
  await blocked.filter({ hasText: /^Cannot create yet: Not JSON: / }).waitFor();

  // The engine's refusal stays until the text changes, not after.
  await fillEditor(page, json, '{"id": "books", "path": "/books2", "records": []}');
  await blocked.waitFor({ state: 'detached' });
  await create.click();
  const refusal = editor.getByRole('alert').filter({ hasText: 'already exists' });
  await refusal.waitFor();
  await json.click();
  await page.keyboard.press('End');
  await page.keyboard.type(' ');
  await refusal.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
});
