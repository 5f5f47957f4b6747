import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestCounts } from '../src/shared/request-log';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { fillEditor, openConsole, screenshot, waitUntilLive } from './helpers/console-page';

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();

/** Polls a condition the engine reaches after the console's save (generous: the machine is shared). */
async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await probe();
  }
  return last;
}

const answer = async (url: string, init?: RequestInit) => {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.text() };
};

test('Routes: a route made in the form answers over HTTP; a response edited and moved up answers instead', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { waitMs: 15_000 });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Routes' }).click();
  await page.getByRole('table', { name: 'Routes' }).getByRole('button', { name: '/hello' }).waitFor();

  await page.getByRole('button', { name: '+ New route' }).click();
  const editor = page.getByTestId('mount-editor');
  const form = editor.getByTestId('route-form');
  await form.getByLabel('Path', { exact: true }).fill('/items/:id');
  await form.getByLabel('Id', { exact: true }).first().fill('get-item');
  await form.getByLabel('Type of id').selectOption('integer');
  await fillEditor(
    page,
    form.getByLabel('Response 1 JSON body'),
    '{"id": "{{params.id}}", "name": "Item {{params.id}}"}',
  );
  // The send key creates it from the form as from the JSON: here from the body's editor.
  await page.keyboard.press('ControlOrMeta+Enter');
  await editor.getByText('Saved').waitFor();
  await page.getByRole('table', { name: 'Routes' }).getByRole('button', { name: '/items/:id' }).waitFor();

  const served = await eventually(
    () => answer(`${server.url}/items/7`),
    (got) => got.status === 200,
    'GET /items/7',
  );
  assert.deepEqual(JSON.parse(served.body), { id: 7, name: 'Item 7' });
  // The typed path parameter is checked like FastAPI does.
  assert.equal((await answer(`${server.url}/items/abc`)).status, 422);

  // A second response, moved before the first: with no conditions the first in the list answers.
  await form.getByRole('button', { name: '+ Response' }).click();
  const second = form.getByTestId('response-1');
  await second.getByLabel('Status').fill('418');
  await form.getByRole('button', { name: 'Move response 2 up' }).click();
  // And saves from a field of the form.
  await form.getByLabel('Path', { exact: true }).press('ControlOrMeta+Enter');
  await editor.getByText('Saved').waitFor();
  await eventually(
    () => answer(`${server.url}/items/7`),
    (got) => got.status === 418,
    'GET /items/7 after the reorder',
  );

  // What the engine refuses is shown at its place: a path that does not compile.
  await form.getByLabel('Path', { exact: true }).fill('/items/:id(');
  await editor.getByRole('button', { name: 'Save' }).click();
  await editor.getByRole('alert').filter({ hasText: 'path' }).waitFor();
  assert.match((await form.locator('.field-error').first().textContent()) ?? '', /\S/);
  await editor.getByRole('button', { name: 'Discard' }).click();

  // Each route counts what it served, and opens those requests in the log (and only those).
  assert.equal((await answer(`${server.url}/hello`)).status, 200);
  const table = page.getByRole('table', { name: 'Routes' });
  await table.getByRole('button', { name: /^Requests get-item served: [1-9]/ }).click();
  await page.getByRole('combobox', { name: 'Answered by' }).and(page.locator('select')).waitFor();
  assert.equal(await page.getByRole('combobox', { name: 'Answered by' }).inputValue(), 'route:get-item');
  await page.getByRole('listbox', { name: 'Requests' }).getByText('/items/7').first().waitFor();
  await page.getByRole('listbox', { name: 'Requests' }).getByText('route:get-item').first().waitFor();
  assert.equal(await page.getByRole('listbox', { name: 'Requests' }).getByText('/hello').count(), 0);
  await screenshot(page, 'requests-by-route');
  assert.deepEqual(errors, []);
});

test('Routes: a response body that is not JSON says why and keeps Create and Save off until it parses', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
    waitMs: 15_000,
  });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Routes' }).click();
  await page.getByRole('button', { name: '+ New route' }).click();
  const editor = page.getByTestId('mount-editor');
  const form = editor.getByTestId('route-form');
  await form.getByLabel('Path', { exact: true }).fill('/orders');
  await form.getByLabel('Id', { exact: true }).first().fill('orders');
  const body = form.getByLabel('Response 1 JSON body');
  await fillEditor(page, body, '{"total": 1,');
  await form
    .getByTestId('json-body-problem')
    .filter({ hasText: /^Not JSON: / })
    .waitFor();
  assert.equal(await editor.getByRole('button', { name: 'Create' }).isDisabled(), true);
  // Said next to the button too, and read with it.
  const blocked = editor.getByTestId('save-blocked');
  assert.match((await blocked.textContent()) ?? '', /^Cannot create yet: Response 1 JSON body: Not JSON: /);
  assert.equal(
    await editor.getByRole('button', { name: 'Create' }).getAttribute('aria-describedby'),
    await blocked.getAttribute('id'),
  );
  await screenshot(page, 'route-body-not-json');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.locator('html[data-theme="light"]').waitFor({ state: 'attached' });
  await screenshot(page, 'route-body-not-json-light');
  await page.emulateMedia({ colorScheme: 'dark' });

  await fillEditor(page, body, '{"total": 2}');
  await form.getByTestId('json-body-problem').waitFor({ state: 'detached' });
  await editor.getByRole('button', { name: 'Create' }).click();
  await editor.getByText('Saved').waitFor();
  const served = await eventually(
    () => answer(`${server.url}/orders`),
    (got) => got.status === 200,
    'GET /orders',
  );
  assert.deepEqual(JSON.parse(served.body), { total: 2 });

  // A stored route: Save stays off while its body does not parse, and nothing half-typed reaches the engine.
  await fillEditor(page, body, '{"total": 3');
  await form.getByTestId('json-body-problem').waitFor();
  assert.equal(await editor.getByRole('button', { name: 'Save' }).isDisabled(), true);
  await editor
    .getByTestId('save-blocked')
    .filter({ hasText: /^Cannot save yet: / })
    .waitFor();
  assert.deepEqual(JSON.parse((await answer(`${server.url}/orders`)).body), { total: 2 });
  assert.deepEqual(errors, []);
});

test('Requests: a request nothing answered shows its near misses, and "create route from this request" makes the route that answers it', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { waitMs: 15_000 });
  await waitUntilLive(page);
  assert.equal((await answer(`${server.url}/helo?name=Ada`)).status, 404);
  await page.getByRole('tab', { name: /^Requests/ }).click();
  await page.getByRole('listbox', { name: 'Requests' }).getByText('/helo').first().click();

  const misses = page.getByTestId('near-misses');
  await misses.getByText('An example route').waitFor();
  await misses.getByText('path segment 1: expected "hello", got "helo"').waitFor();
  await page.getByRole('button', { name: 'Create route from this request' }).click();

  const editor = page.getByTestId('mount-editor');
  const form = editor.getByTestId('route-form');
  // The button went with the Requests view: the focus is in the new route's form, not on the page.
  await form.locator(':focus').waitFor();
  assert.equal(await form.getByLabel('Method').inputValue(), 'GET');
  assert.equal(await form.getByLabel('Path', { exact: true }).inputValue(), '/helo');
  await fillEditor(page, form.getByLabel('Response 1 JSON body'), '{"created": true}');
  await form.getByTestId('response-0').getByLabel('Status').fill('201');
  await editor.getByRole('button', { name: 'Create' }).click();
  await editor.getByText('Saved').waitFor();

  const created = await eventually(
    () => answer(`${server.url}/helo`),
    (got) => got.status === 201,
    'GET /helo',
  );
  assert.deepEqual(JSON.parse(created.body), { created: true });
  assert.equal((await answer(`${server.url}/hello`)).status, 200, 'the example route still answers');
  assert.deepEqual(errors, []);
});

const OPENAPI = JSON.stringify({
  openapi: '3.1.0',
  info: { title: 'Items API', version: '1.0.0' },
  paths: {
    '/items/{item_id}': {
      get: {
        operationId: 'read_item',
        parameters: [{ name: 'item_id', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: {
          '200': {
            description: 'The item',
            content: { 'application/json': { example: { id: 1, name: 'Hammer' } } },
          },
        },
      },
    },
    '/items': {
      post: {
        operationId: 'create_item',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
            },
          },
        },
        responses: { '201': { description: 'Created', content: { 'application/json': { example: { id: 2 } } } } },
      },
    },
  },
});

test('Routes: an OpenAPI document read from a file is previewed (nothing changes), then imported under a base path', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { waitMs: 15_000 });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Routes' }).click();
  await page.getByRole('button', { name: 'Import OpenAPI…' }).click();
  const panel = page.getByTestId('openapi-import');
  // A file is read into the document field, named beside it.
  await panel.getByTestId('openapi-file').setInputFiles({
    name: 'openapi.json',
    mimeType: 'application/json',
    buffer: Buffer.from(OPENAPI),
  });
  await panel.getByText('openapi.json', { exact: true }).waitFor();
  assert.equal(await panel.getByLabel('Document (JSON or YAML)').inputValue(), OPENAPI);
  await panel.getByLabel('Base path').fill('/api');
  await panel.getByRole('button', { name: 'Preview' }).click();
  const preview = panel.getByTestId('openapi-preview');
  await preview.getByText('Added (2)').waitFor();
  await preview.getByText('read-item', { exact: true }).first().waitFor();
  await preview.getByText('Kept (1)').waitFor();
  // A preview is a dry run.
  assert.equal((await api.get<{ items: unknown[] }>('/routes')).body.items.length, 1);
  assert.equal((await answer(`${server.url}/api/items/1`)).status, 404);
  await screenshot(page, 'routes-import');

  await panel.getByRole('button', { name: 'Import', exact: true }).click();
  await panel.getByTestId('openapi-imported').waitFor();
  const item = await answer(`${server.url}/api/items/1`);
  assert.equal(item.status, 200);
  assert.deepEqual(JSON.parse(item.body), { id: 1, name: 'Hammer' });
  assert.equal((await answer(`${server.url}/api/items/x`)).status, 422);
  const bad = await answer(`${server.url}/api/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(bad.status, 422);
  assert.equal(JSON.parse(bad.body).detail[0].type, 'missing');
  await page.getByRole('table', { name: 'Routes' }).getByText('/api/items/:item_id').waitFor();

  // Replacing every route: the two imported again are replaced, not added, and the template's route is named as
  // removed before anything changes.
  await panel.getByLabel('Replace every route (instead of merging by id)').check();
  await panel.getByRole('button', { name: 'Preview' }).click();
  await preview.getByText('Replaced (2)').waitFor();
  await preview.getByText('Added (0)').waitFor();
  await preview.getByText('Removed (1)').waitFor();
  const removed = preview.locator('dt:has-text("Removed (1)") + dd');
  assert.deepEqual(await removed.locator('code').allInnerTexts(), ['hello']);
  assert.equal((await api.get<{ items: unknown[] }>('/routes')).body.items.length, 3, 'a preview removes nothing');
  assert.deepEqual(errors, []);
});

test('Routes: the served counts follow the log: a clear by a script, and requests past Requests kept, count no more', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Routes' }).click();
  const served = (count: number) =>
    page.getByRole('table', { name: 'Routes' }).getByRole('button', { name: `Requests hello served: ${count}` });
  const call = async (path: string, times: number) => {
    for (let i = 0; i < times; i++) await (await fetch(`${server.url}${path}`)).arrayBuffer();
  };
  await call('/hello', 3);
  await served(3).waitFor();

  // The feed says nothing of a clear: the console learns it from the log, and asks for the counts again.
  assert.equal((await api.delete('/requests')).status, 204);
  await served(0).waitFor();

  // The log keeps its newest 10: the requests to /hello are pushed out by the 404s after them.
  await api.patch('/server/settings', { requestLogSize: 10 });
  await call('/hello', 4);
  await served(4).waitFor();
  await call('/nothing-here', 10);
  await served(0).waitFor();
  const counts = await api.get<RequestCounts>('/requests/counts');
  assert.deepEqual(counts.body.byMount, { none: 10 });
  assert.deepEqual(errors, []);
});

test('keyboard: route rows take the focus and Enter opens one; ↑ ↓ reorder with the focus kept on the row', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  await api.post('/routes', { id: 'status', path: '/status', responses: [{ id: 'ok', body: { json: { ok: true } } }] });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { waitMs: 15_000 });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Routes' }).click();
  const table = page.getByRole('table', { name: 'Routes' });
  await table.getByRole('button', { name: '/status' }).focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('mount-editor').getByRole('heading', { name: 'status' }).waitFor();

  await table.getByRole('button', { name: 'Move hello down' }).focus();
  await page.keyboard.press('Enter');
  // Moved to the end: its down button is off now, so the focus is on its up button.
  await table.getByRole('button', { name: 'Move hello up' }).and(page.locator(':focus')).waitFor();
  const ids = (await api.get<{ items: { id: string }[] }>('/routes')).body.items.map((route) => route.id);
  assert.deepEqual(ids, ['status', 'hello']);
  assert.deepEqual(errors, []);
});

test('Packs: adding AGORA serves its API and shows its data in State; switched off, it keeps the data', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { waitMs: 15_000 });
  await waitUntilLive(page);
  assert.equal((await answer(`${server.url}/users/me`)).status, 404);
  await page.getByRole('tab', { name: 'Routes' }).click();
  await page.getByRole('tab', { name: /^Packs/ }).click();
  await page.getByRole('button', { name: 'Add agora-mock' }).click();
  await eventually(
    () => answer(`${server.url}/users/me`),
    (got) => got.status === 200,
    'GET /users/me',
  );
  await page.getByRole('tab', { name: 'State' }).click();
  await page.getByRole('table', { name: 'Users' }).getByRole('row').nth(1).waitFor();

  await page.getByRole('tab', { name: 'Routes' }).click();
  await page.getByRole('table', { name: 'Packs' }).getByRole('checkbox').uncheck();
  await eventually(
    () => answer(`${server.url}/users/me`),
    (got) => got.status === 404,
    'GET /users/me once off',
  );
  const packs = await controlClient(server).get<{ items: { pack: string; enabled: boolean }[] }>('/packs');
  assert.deepEqual(packs.body.items, [{ pack: 'agora-mock', enabled: false }]);
  assert.deepEqual(errors, []);
});

test('Routes: Delete… takes the focus into its question and gives it back; once deleted, the next route has it', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  for (const id of ['status', 'health'])
    await api.post('/routes', { id, path: `/${id}`, responses: [{ id: 'ok', body: { json: { ok: true } } }] });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
    waitMs: 15_000,
  });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Routes' }).click();
  const table = page.getByRole('table', { name: 'Routes' });
  await table.getByRole('button', { name: '/status' }).click();
  const editor = page.getByTestId('mount-editor');
  await editor.getByRole('heading', { name: 'status' }).waitFor();
  const focused = page.locator(':focus');

  // Asked in place: the focus is on the answer that keeps the route, and Esc gives it back to Delete….
  const ask = editor.getByRole('button', { name: 'Delete…' });
  await ask.focus();
  await page.keyboard.press('Enter');
  const question = editor.getByRole('alertdialog', { name: 'Delete' });
  await question.getByRole('button', { name: 'Keep' }).and(focused).waitFor();
  await page.keyboard.press('Escape');
  await ask.and(focused).waitFor();

  // Deleted with the keyboard alone: the focus goes to the next route in the list, not to the page.
  await page.keyboard.press('Enter');
  await question.getByRole('button', { name: 'Keep' }).and(focused).waitFor();
  await page.keyboard.press('Shift+Tab');
  await question.getByRole('button', { name: 'Delete', exact: true }).and(focused).waitFor();
  await page.keyboard.press('Enter');
  await table.getByRole('button', { name: '/status' }).waitFor({ state: 'detached' });
  await table.getByRole('button', { name: '/health' }).and(focused).waitFor();
  assert.deepEqual(
    (await api.get<{ items: { id: string }[] }>('/routes')).body.items.map((route) => route.id),
    ['hello', 'health'],
  );

  // The last route deleted: the one before it has the focus.
  await page.keyboard.press('Enter');
  await editor.getByRole('heading', { name: 'health' }).waitFor();
  await ask.click();
  await question.getByRole('button', { name: 'Delete', exact: true }).click();
  await table.getByRole('button', { name: '/health' }).waitFor({ state: 'detached' });
  await table.getByRole('button', { name: '/hello' }).and(focused).waitFor();
  assert.deepEqual(errors, []);
});
