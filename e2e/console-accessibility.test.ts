import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { AguiSocket } from '../test/helpers/agui-socket';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { seriousAxeViolations } from './helpers/axe';
import { launchBrowser } from './helpers/browser';
import { consoleForFile, openConsole, waitUntilLive } from './helpers/console-page';

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();
/** Generous: these specs audit and measure many views on a machine other work shares. */
const waitMs = 20_000;
const THEMES = ['dark', 'light'] as const;
/**
 * The console on the default world for the keyboard tests that change nothing in it (they move the focus, pick rows,
 * make two requests of their own and open a connection of their own): loaded afresh for each.
 */
const shared = await startTestEngine();
const openSharedConsole = await consoleForFile(shared, browser, { waitMs });
const PROMPT = 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854';

const ROUTE = {
  id: 'get-item',
  method: 'GET',
  path: '/items/:id',
  responses: [{ id: 'ok', status: 200, body: { json: { id: '{{params.id}}' } } }],
};
const COLLECTION = { id: 'books', path: '/books', records: [{ id: 1, title: 'Dune' }] };
const OPENAPI = JSON.stringify({
  openapi: '3.1.0',
  info: { title: 'Pets', version: '1' },
  paths: { '/pets': { get: { operationId: 'list_pets', responses: { '200': { description: 'The pets' } } } } },
});

/** Shows a view as a person would get there; returns when what it shows is there to audit. */
type Visit = (page: Page) => Promise<void>;

/** Shows the console in `theme`, as the system asks for it; fails if the console does not follow. */
async function showTheme(page: Page, theme: (typeof THEMES)[number]): Promise<void> {
  await page.emulateMedia({ colorScheme: theme });
  await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
}

async function showTab(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('tab', { name }).click();
}

/** Every view, in the states that put the most on screen: lists filled, an item open, forms and errors shown. */
const VIEWS: [string, Visit][] = [
  [
    // Closed rows read dimmer (never below 4.5:1, selected or not); a stream of only the socket's moments is no
    // listbox of frames.
    'connections: closed ones in the list, one with no frames selected',
    async (page) => {
      await showTab(page, /^Connections/);
      await page.locator('.connection-item.closed').first().click();
      await page.locator('.frame-stream').getByTestId('socket-closed').filter({ hasText: '1001' }).waitFor();
    },
  ],
  [
    'connections: a connection, a frame inspected',
    async (page) => {
      await showTab(page, /^Connections/);
      await page.locator('.connection-item').first().click();
      await page.locator('.frame-row').first().click();
      await page.getByTestId('frame-inspector').locator('.json-tree').waitFor();
    },
  ],
  [
    'connections: inject drawer, event tab',
    async (page) => {
      await page.getByRole('button', { name: 'Inject…' }).click();
      await page.getByTestId('inject-drawer').getByRole('tab', { name: 'Event' }).click();
      await page.getByTestId('event-composer').locator('.cm-content').waitFor();
    },
  ],
  [
    'connections: inject drawer, macros tab',
    async (page) => {
      await page.getByTestId('inject-drawer').getByRole('tab', { name: 'Macros' }).click();
    },
  ],
  [
    'connections: inject drawer, socket tab',
    async (page) => {
      await page.getByTestId('inject-drawer').getByRole('tab', { name: 'Socket' }).click();
    },
  ],
  [
    'requests: a request open',
    async (page) => {
      await showTab(page, /^Requests/);
      await page.getByRole('listbox', { name: 'Requests' }).getByRole('option').first().click();
      await page.getByTestId('request-detail').getByTestId('response-body').waitFor();
    },
  ],
  [
    'requests: a 404 with its near misses',
    async (page) => {
      await page.getByRole('listbox', { name: 'Requests' }).getByText('/itemz/1').first().click();
      await page.getByTestId('near-misses').waitFor();
    },
  ],
  [
    'routes: a route open in the form',
    async (page) => {
      await showTab(page, 'Routes');
      await page.getByRole('tab', { name: /^HTTP routes/ }).click();
      await page.getByRole('table', { name: 'Routes' }).getByRole('button', { name: '/items/:id' }).click();
      await page.getByRole('tab', { name: 'Form' }).click();
      await page.getByTestId('route-form').getByTestId('response-0').locator('.cm-content').waitFor();
    },
  ],
  [
    'routes: the route as JSON, schema help open',
    async (page) => {
      await page.getByTestId('mount-editor').getByRole('tab', { name: 'JSON' }).click();
      await page.getByTestId('mount-editor').locator('summary').click();
      await page.getByTestId('mount-editor').locator('.json-tree').waitFor();
    },
  ],
  [
    'routes: an OpenAPI import previewed',
    async (page) => {
      await page.getByRole('button', { name: 'Import OpenAPI…' }).click();
      const panel = page.getByTestId('openapi-import');
      await panel.getByLabel('Document (JSON or YAML)').fill(OPENAPI);
      await panel.getByRole('button', { name: 'Preview' }).click();
      await panel.getByTestId('openapi-preview').waitFor();
    },
  ],
  [
    'routes: packs',
    async (page) => {
      await page.keyboard.press('Escape');
      await page.getByRole('tab', { name: /^Packs/ }).click();
      const packs = page.getByRole('table', { name: 'Packs' });
      // With the variant switch asking for its confirmation.
      await packs.getByRole('button', { name: 'Switch from agora-mock…' }).click();
      await packs.getByRole('button', { name: 'Cancel' }).waitFor();
    },
  ],
  [
    'state: a collection record open',
    async (page) => {
      await showTab(page, 'State');
      await page.getByRole('tab', { name: /^Collections/ }).click();
      await page.getByRole('table', { name: 'Records of books' }).getByRole('button', { name: '1' }).click();
      await page.getByTestId('record-editor').locator('.cm-content').waitFor();
    },
  ],
  [
    'state: a history open',
    async (page) => {
      await showTab(page, 'State');
      await page.getByRole('tab', { name: 'AGORA users & sessions' }).click();
      await page.getByRole('table', { name: 'Users' }).getByRole('button', { name: 'Koen van den Berg' }).click();
      await page.getByTestId('session-session-koen-bella-rosa').getByRole('button', { name: 'History' }).click();
      await page.getByTestId('history-editor').getByTestId('history-message-0').waitFor();
    },
  ],
  [
    'state: a user edited here and changed elsewhere meanwhile, the form saying so',
    async (page) => {
      const form = page.getByRole('form', { name: 'Edit Koen van den Berg' });
      await form.getByLabel('Email').fill('koen@example.test');
      // The change comes through the REST API, from the console's own origin (the engine's).
      await page.evaluate(() =>
        fetch('/users/me/preferences?user_id=550e8400-e29b-41d4-a716-446655440001', {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ language: 'de-DE' }),
        }),
      );
      await form.getByRole('status').filter({ hasText: 'changed in the engine' }).waitFor();
    },
  ],
  [
    'state: a new user, its form with problems',
    async (page) => {
      await page.getByRole('button', { name: '+ New user' }).click();
      await page.getByRole('form', { name: 'New user' }).getByLabel('Email').fill('not an email');
      await page.getByRole('form', { name: 'New user' }).locator('.field-error').first().waitFor();
    },
  ],
  [
    'scenarios: one open in the editor',
    async (page) => {
      await showTab(page, 'Scenarios');
      await page.getByRole('table', { name: 'Scenarios' }).getByRole('button', { name: 'Inspectie starten' }).click();
      await page.getByTestId('scenario-editor').locator('.cm-content').waitFor();
      await page.getByTestId('scenario-editor').locator('.cm-line').nth(20).waitFor();
    },
  ],
  [
    'scenarios: a step form open, a field refused',
    async (page) => {
      const palette = page.getByTestId('step-palette');
      await palette.getByLabel('Step type').selectOption('frontendToolCall');
      const form = palette.getByRole('form', { name: 'New frontendToolCall step' });
      await form.getByLabel('chunkDelayMs').fill('1.5');
      await form.locator('.field-error').first().waitFor();
    },
  ],
  [
    'try it: a reply with a tool call',
    async (page) => {
      await showTab(page, 'Try it');
      await page.getByTestId('transcript').getByTestId('run-marker').filter({ hasText: 'Run finished' }).waitFor();
    },
  ],
  [
    'settings: a value refused before saving',
    async (page) => {
      await showTab(page, 'Settings');
      await page.getByLabel('Largest WebSocket frame').fill('10');
      await page.locator('.field-error').first().waitFor();
    },
  ],
  [
    'workspace panel: save as',
    async (page) => {
      await page.getByTestId('workspace-status').getByRole('button', { name: /▾/ }).click();
      const panel = page.getByRole('dialog', { name: 'Workspace' });
      await panel.getByRole('button', { name: 'Save as…' }).click();
      await panel.getByLabel('Save to').waitFor();
    },
  ],
];

test('axe-core finds nothing serious or critical on any view, in either theme (1280×720)', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
    waitMs,
  });
  await waitUntilLive(page);
  // Two sockets gone before a frame, as a page left at once leaves them (1001, going away): closed in the list.
  for (const n of [1, 2]) {
    const gone = await AguiSocket.open(server.wsUrl);
    gone.socket.close(1001);
    await gone.closed();
    await page
      .locator('.connection-item.closed')
      .nth(n - 1)
      .waitFor();
  }
  // Something in every list: a socket with a finished run, a REST request, a Try it conversation.
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask(PROMPT);
  await ws.waitForRuns(1);
  assert.equal((await fetch(`${server.url}/users/me`)).status, 200);
  // A route, a collection with a record, and a request nothing answered, for the Routes and State views.
  const api = controlClient(server);
  assert.equal((await api.post('/routes', ROUTE)).status, 201);
  assert.equal((await api.post('/collections', COLLECTION)).status, 201);
  assert.equal((await fetch(`${server.url}/itemz/1`)).status, 404);
  await showTab(page, 'Try it');
  // Try it connects on the first prompt: ready to send before that.
  await page
    .getByTestId('try-it-status')
    .filter({ hasText: /^disconnected$/ })
    .waitFor();
  await page.getByLabel('Prompt').fill(PROMPT);
  await page.getByRole('button', { name: 'Send prompt' }).click();

  // Each view is shown once and audited in both themes. A theme is only colours (styles.css: the custom properties
  // and color-scheme under :root[data-theme], no transitions; nothing else reads it), so the second audit is of the
  // same page in the other colours. The theme audited first alternates, so each view needs one switch.
  const found: string[] = [];
  let themes: readonly ('dark' | 'light')[] = THEMES;
  for (const [name, visit] of VIEWS) {
    await visit(page);
    for (const theme of themes) {
      await showTheme(page, theme);
      for (const violation of await seriousAxeViolations(page)) found.push(`${theme} · ${name}: ${violation}`);
    }
    if (name.startsWith('workspace panel')) await page.keyboard.press('Escape');
    themes = [...themes].reverse();
  }
  assert.deepEqual(found, []);
  assert.deepEqual(errors, []);
  ws.socket.close();
});

test('axe-core finds nothing serious or critical on the token screen, in either theme', async () => {
  const server = await startTestEngine();
  // Opened light (the other pages here open dark, the default), then dark: the system's theme changed under it.
  const { page, errors } = await openConsole(server, browser, `${server.url}/__console/`, {
    colorScheme: 'light',
    waitMs,
  });
  await page.getByTestId('access-screen').waitFor();
  for (const theme of ['light', 'dark'] as const) {
    await showTheme(page, theme);
    assert.equal(await page.locator('html').getAttribute('data-theme'), theme, 'the token screen follows the theme');
    assert.deepEqual(await seriousAxeViolations(page), [], theme);
  }
  assert.deepEqual(errors, []);
});

test('keyboard: view tabs move with the arrow keys; only the shown one is in the Tab order', async () => {
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  const tabs = page.getByRole('tablist', { name: 'Views' }).getByRole('tab');
  const selected = page.getByRole('tablist', { name: 'Views' }).locator('[role="tab"][aria-selected="true"]');
  /** The shown tab has the focus, and its panel is the view shown. */
  const shown = async (name: RegExp) => {
    await selected.filter({ hasText: name }).and(page.locator(':focus')).waitFor();
    const panel = await page.getByRole('tabpanel').getAttribute('aria-labelledby');
    assert.equal(panel, await selected.getAttribute('id'));
  };

  await tabs.first().focus();
  await page.keyboard.press('ArrowRight');
  await shown(/^Requests/);
  await page.getByRole('listbox', { name: 'Requests' }).or(page.getByText('No REST requests yet')).waitFor();
  await page.keyboard.press('End');
  await shown(/^Settings/);
  await page.keyboard.press('ArrowRight');
  await shown(/^Connections/);
  await page.keyboard.press('ArrowLeft');
  await shown(/^Settings/);
  await page.keyboard.press('Home');
  await shown(/^Connections/);
  assert.deepEqual(await tabs.evaluateAll((buttons) => buttons.map((button) => button.getAttribute('tabindex'))), [
    '0',
    '-1',
    '-1',
    '-1',
    '-1',
    '-1',
    '-1',
  ]);
  assert.deepEqual(errors, []);
});

test('keyboard: user and scenario rows take the focus with Tab and Enter picks them', async () => {
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);

  await page.getByRole('tab', { name: 'State' }).click();
  await page.getByRole('button', { name: '+ New user' }).focus();
  await page.keyboard.press('Tab');
  const users = page.getByRole('table', { name: 'Users' });
  const firstUser = (await users.getByRole('row').nth(1).getByRole('button').textContent()) ?? '';
  await users.getByRole('button', { name: firstUser }).and(page.locator(':focus')).waitFor();
  await page.keyboard.press('Tab');
  const secondUser = (await users.getByRole('row').nth(2).getByRole('button').textContent()) ?? '';
  await users.getByRole('button', { name: secondUser }).and(page.locator(':focus')).waitFor();
  await page.keyboard.press('Enter');
  await page.getByRole('form', { name: `Edit ${secondUser}` }).waitFor();
  assert.equal(await users.getByRole('row', { name: new RegExp(secondUser) }).getAttribute('aria-selected'), 'true');

  await page.getByRole('tab', { name: 'Scenarios' }).click();
  await page.getByRole('button', { name: '+ New scenario' }).focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const scenarios = page.getByRole('table', { name: 'Scenarios' });
  const second = (await scenarios.getByRole('row').nth(2).getByRole('button').textContent()) ?? '';
  await scenarios.getByRole('button', { name: second }).and(page.locator(':focus')).waitFor();
  await page.keyboard.press(' ');
  await page.getByTestId('scenario-editor').getByRole('heading', { name: second }).waitFor();
  assert.deepEqual(errors, []);
});

test('keyboard: the request list takes the focus, arrows move, Enter opens', async () => {
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  for (const path of ['/users/me', '/health']) assert.equal((await fetch(`${shared.url}${path}`)).status, 200);
  await page.getByRole('tab', { name: /^Requests/ }).click();
  const list = page.getByRole('listbox', { name: 'Requests' });
  await list.getByRole('option').nth(1).waitFor();
  await list.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  const cursor = await list.getAttribute('aria-activedescendant');
  assert.equal(cursor, await list.getByRole('option').first().getAttribute('id'), 'the newest request, GET /health');
  await page.keyboard.press('Enter');
  await page.getByTestId('request-detail').getByRole('heading', { name: '/health' }).waitFor();
  assert.deepEqual(errors, []);
});

test('keyboard: Esc closes the inject drawer, the workspace panel and an in-place question, focus goes back', async () => {
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  const ws = await AguiSocket.open(shared.wsUrl);
  await page.locator('.connection-item').first().click();

  const inject = page.getByRole('button', { name: 'Inject…' });
  await inject.focus();
  await page.keyboard.press('Enter');
  const drawer = page.getByTestId('inject-drawer');
  // The drawer takes the focus on its shown tab; its tabs move with the arrow keys too.
  await drawer.getByRole('tab', { name: 'Event' }).and(page.locator(':focus')).waitFor();
  await page.keyboard.press('ArrowRight');
  await drawer.getByRole('tab', { name: 'Macros', selected: true }).and(page.locator(':focus')).waitFor();
  await page.keyboard.press('ArrowLeft');
  await drawer.getByTestId('event-composer').locator('.cm-content').waitFor();
  // Esc typed in the editor closes the drawer as well (the editor has nothing of its own to close).
  await drawer.locator('.cm-content').click();
  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Inject…' }).and(page.locator(':focus')).waitFor();

  const workspace = page.getByTestId('workspace-status').getByRole('button', { name: /▾/ });
  await workspace.click();
  const panel = page.getByRole('dialog', { name: 'Workspace' });
  await panel.waitFor();
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  await workspace.and(page.locator(':focus')).waitFor();

  await page.getByRole('tab', { name: 'Scenarios' }).click();
  await page.getByRole('table', { name: 'Scenarios' }).getByRole('button', { name: 'Inspectie starten' }).click();
  const editor = page.getByTestId('scenario-editor');
  await editor.getByRole('button', { name: 'Delete…' }).click();
  await editor.getByRole('button', { name: 'Keep' }).waitFor();
  await page.keyboard.press('Escape');
  await editor.getByRole('button', { name: 'Delete…' }).waitFor();
  assert.equal(await editor.getByRole('button', { name: 'Keep' }).count(), 0);
  assert.deepEqual(errors, []);
  ws.socket.close();
});

test('keyboard: a Save or Create that turns off once done leaves the focus in its editor, not on the page', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    waitMs,
    viewport: { width: 1280, height: 720 },
  });
  await waitUntilLive(page);
  const focused = page.locator(':focus');
  // Lost to the page, the focus would send the next Tab back to the status bar at the top.
  const pressEnterOn = async (button: ReturnType<Page['getByRole']>) => {
    await button.focus();
    await page.keyboard.press('Enter');
  };

  // Settings: Save is off again once saved.
  await page.getByRole('tab', { name: 'Settings' }).click();
  const settings = page.locator('form').filter({ has: page.getByRole('heading', { name: 'Settings' }) });
  await settings.getByLabel('Scenario speed').fill('2');
  await pressEnterOn(settings.getByRole('button', { name: 'Save', exact: true }));
  await settings.getByText('Saved', { exact: true }).waitFor();
  await settings.getByLabel('Scenario speed').and(focused).waitFor();

  // A user: Save user is off once the engine's copy comes back from the live feed.
  await page.getByRole('tab', { name: 'State' }).click();
  const users = page.getByRole('table', { name: 'Users' });
  const name = (await users.getByRole('row').nth(1).getByRole('button').textContent()) ?? '';
  await users.getByRole('button', { name }).click();
  const form = page.getByRole('form', { name: `Edit ${name}` });
  await form.getByLabel('Name', { exact: true }).fill(`${name} Jr.`);
  await pressEnterOn(form.getByRole('button', { name: 'Save user' }));
  const renamed = page.getByRole('form', { name: `Edit ${name} Jr.` });
  await renamed.getByRole('button', { name: 'Save user' }).and(page.locator(':disabled')).waitFor();
  await renamed.locator(':focus').waitFor();

  // A new route: its editor is drawn anew for the route created, its Save off.
  await page.getByRole('tab', { name: 'Routes' }).click();
  await page.getByRole('button', { name: '+ New route' }).click();
  const editor = page.getByTestId('mount-editor');
  await editor.getByLabel('Path', { exact: true }).fill('/focus-kept');
  await pressEnterOn(editor.getByRole('button', { name: 'Create' }));
  await editor.getByRole('button', { name: 'Save', exact: true }).and(page.locator(':disabled')).waitFor();
  await editor.locator(':focus').waitFor();
  await page.keyboard.press('Tab');
  await editor.locator(':focus').waitFor();
  assert.deepEqual(errors, []);
});
