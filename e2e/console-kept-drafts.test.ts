import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { eventually } from '../test/helpers/wait';
import { launchBrowser } from './helpers/browser';
import { openConsole, waitUntilLive } from './helpers/console-page';
import { rendererModule } from './helpers/renderer-module';

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();

const KOEN = '550e8400-e29b-41d4-a716-446655440001';

/**
 * Looks at Connections and comes back to the view: `gone` (a field of the view) is waited out first, so the view
 * was really taken down (and drawn afresh when it comes back).
 */
async function lookAway(page: Page, view: string | RegExp, gone: Locator): Promise<void> {
  await page.getByRole('tab', { name: /^Connections/ }).click();
  await gone.waitFor({ state: 'detached' });
  await page.getByRole('tab', { name: view }).click();
}

const valueIs = (field: Locator, value: string) =>
  eventually(async () => (await field.inputValue()) === value, `the field to read "${value}"`);

test('Try it: a prompt typed and not sent is there again after looking at another view; once sent, it is not kept', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Try it' }).click();
  const prompt = page.getByLabel('Prompt');
  // What the view offers when it starts afresh: the first prompt that reaches a scenario.
  const { promptSuggestions } = await rendererModule('features/try-it/prompt-suggestions.ts');
  const scenarios = await controlClient(server).get<{ items: unknown[] }>('/scenarios');
  const fresh: string = promptSuggestions(scenarios.body.items)[0] ?? '';
  assert.notEqual(fresh, '', 'the seed scenarios offer a prompt');

  await prompt.fill('hallo, nog niet verstuurd');
  await lookAway(page, 'Try it', prompt);
  assert.equal(await prompt.inputValue(), 'hallo, nog niet verstuurd');

  await page.getByRole('button', { name: 'Send prompt' }).click();
  await page.getByTestId('run-marker').filter({ hasText: 'Run finished' }).waitFor();
  assert.equal(await prompt.inputValue(), 'hallo, nog niet verstuurd', 'the box goes on showing what was sent');
  await lookAway(page, 'Try it', prompt);
  assert.equal(await prompt.inputValue(), fresh, 'a sent prompt is no draft: the view starts afresh');
  assert.deepEqual(errors, []);
});

test('Requests: the text filter stays after looking at another view, until it is cleared', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await (await fetch(`${server.url}/health`)).arrayBuffer();
  await (await fetch(`${server.url}/users?user_id=${KOEN}`)).arrayBuffer();
  await page.getByRole('tab', { name: /^Requests/ }).click();
  const rows = page.getByRole('listbox', { name: 'Requests' }).getByRole('option');
  await rows.nth(1).waitFor();
  const filter = page.getByLabel('Filter requests');

  await filter.fill('health');
  await rows.nth(1).waitFor({ state: 'detached' });
  await lookAway(page, /^Requests/, filter);
  assert.equal(await filter.inputValue(), 'health');
  await rows.filter({ hasText: '/health' }).waitFor();
  assert.equal(await rows.count(), 1, 'the list is filtered as the field says');

  await filter.fill('');
  await rows.nth(1).waitFor();
  await lookAway(page, /^Requests/, filter);
  await rows.nth(1).waitFor();
  assert.equal(await filter.inputValue(), '');
  assert.deepEqual(errors, []);
});

test('State: a new session title typed and not added is there again after looking at another view; added, it goes', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'State' }).click();
  const title = page.getByLabel('New session title');

  await title.fill('Nacontrole koelcel');
  await lookAway(page, 'State', title);
  assert.equal(await title.inputValue(), 'Nacontrole koelcel');

  await page.getByRole('button', { name: 'Add session' }).click();
  await page.locator('input[aria-label^="Title of "][value="Nacontrole koelcel"]').waitFor();
  await valueIs(title, '');
  const listed = (await (await fetch(`${server.url}/sessions?user_id=${KOEN}`)).json()) as {
    sessions: { title: string }[];
  };
  assert.ok(listed.sessions.some((session) => session.title === 'Nacontrole koelcel'));
  await lookAway(page, 'State', title);
  assert.equal(await title.inputValue(), '', 'an added title is not kept');
  assert.deepEqual(errors, []);
});

test('State: a "+ New user" draft is there again after looking at another view; Cancel drops it, Create saves it', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'State' }).click();
  const create = page.getByRole('form', { name: 'New user' });
  const me = page.getByRole('form', { name: 'Edit Koen van den Berg' });
  await me.waitFor();

  await page.getByRole('button', { name: '+ New user' }).click();
  await create.getByLabel('Name').fill('Anna de Vries');
  await create.getByLabel('Email').fill('anna@');
  await create.locator('.field-error').waitFor();
  await lookAway(page, 'State', create);
  assert.equal(await create.getByLabel('Name').inputValue(), 'Anna de Vries');
  assert.equal(await create.getByLabel('Email').inputValue(), 'anna@');
  // What was wrong with it is said at once, as before the look away.
  await create.locator('.field-error').waitFor();

  // Cancel leaves without creating, and what was typed goes with it.
  await create.getByRole('button', { name: 'Cancel' }).click();
  await create.waitFor({ state: 'detached' });
  await me.waitFor();
  await page.getByRole('button', { name: '+ New user' }).click();
  assert.equal(await create.getByLabel('Name').inputValue(), '');
  assert.equal(await create.getByLabel('Email').inputValue(), '');

  // Typed again, kept again, and created: the draft is not kept past that.
  await create.getByLabel('Name').fill('Anna de Vries');
  await create.getByLabel('Email').fill('anna@example.nl');
  await lookAway(page, 'State', create);
  await create.getByRole('button', { name: 'Create user' }).click();
  await page.getByRole('form', { name: 'Edit Anna de Vries' }).waitFor();
  const users = (await (await fetch(`${server.url}/users`)).json()) as { users: { name: string }[] };
  assert.ok(users.users.some((user) => user.name === 'Anna de Vries'));
  await page.getByRole('button', { name: '+ New user' }).click();
  assert.equal(await create.getByLabel('Name').inputValue(), '');
  assert.deepEqual(errors, []);
});
