import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import { agoraStore } from '../test/helpers/agora';
import { AguiSocket } from '../test/helpers/agui-socket';
import { startTestEngine } from '../test/helpers/engine';
import { recordTooLargeHistory } from '../test/helpers/large-world';
import { eventually } from '../test/helpers/wait';
import { launchBrowser } from './helpers/browser';
import { consoleForFile, openConsole, screenshot, waitUntilLive } from './helpers/console-page';

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();
/**
 * The console on the default world for the tests that change only what none of the others after them reads: a
 * refused save discarded, settings saved, a session deleted (last). Loaded afresh for each.
 */
const shared = await startTestEngine();
const openSharedConsole = await consoleForFile(shared, browser);

const KOEN = '550e8400-e29b-41d4-a716-446655440001';

async function json<T>(response: Response): Promise<T> {
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as T;
}

test("State: a user's theme, a session title and a history edited in the console are what the REST API serves", async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'State' }).click();

  // "me" (Koen, theme light) is shown first.
  const form = page.getByRole('form', { name: 'Edit Koen van den Berg' });
  await form.getByLabel('Theme preference').selectOption('dark');
  await form.getByRole('button', { name: 'Save user' }).click();
  await form.getByText('Saved').waitFor();
  const preferences = await json<{ preferences: { theme: string } }>(
    await fetch(`${server.url}/users/me/preferences?user_id=${KOEN}`),
  );
  assert.equal(preferences.preferences.theme, 'dark');

  const session = page.getByTestId('session-session-koen-bella-rosa');
  await session.getByLabel('Title of session-koen-bella-rosa').fill('Bella Rosa — herinspectie');
  await session.getByRole('button', { name: 'Save title' }).click();
  // The button reads "Saving…" while the request runs, and goes once the saved title is the session's.
  await session.getByRole('button', { name: /^(Save title|Saving…)$/ }).waitFor({ state: 'detached' });
  const sessions = await json<{ sessions: { sessionId: string; title: string }[] }>(
    await fetch(`${server.url}/sessions?user_id=${KOEN}`),
  );
  assert.equal(
    sessions.sessions.find((s) => s.sessionId === 'session-koen-bella-rosa')?.title,
    'Bella Rosa — herinspectie',
  );

  await session.getByRole('button', { name: 'History' }).click();
  const history = page.getByTestId('history-editor');
  await history.getByTestId('history-message-0').waitFor();
  const before = await history.locator('.history-message').count();
  await history.getByRole('button', { name: '+ User message' }).click();
  await history.getByLabel(`Content of message ${before + 1}`).fill('Is de koelcel gerepareerd?');
  await history.getByRole('button', { name: 'Save history' }).click();
  await history.getByRole('button', { name: 'Save history' }).and(page.locator(':disabled')).waitFor();
  const rest = await json<{ history: { role: string; content: string }[] }>(
    await fetch(`${server.url}/sessions/session-koen-bella-rosa/history?include_tools=true`),
  );
  assert.deepEqual(rest.history.at(-1), { role: 'user', content: 'Is de koelcel gerepareerd?' });
  await screenshot(page, 'state');

  // Reset asks first, then brings the seed back.
  await page.getByRole('button', { name: 'Reset to seed…' }).click();
  await page.getByRole('alertdialog', { name: 'Reset to seed' }).getByRole('button', { name: 'Reset to seed' }).click();
  await page.getByRole('alertdialog', { name: 'Reset to seed' }).waitFor({ state: 'detached' });
  const reset = await json<{ preferences: { theme: string } }>(
    await fetch(`${server.url}/users/me/preferences?user_id=${KOEN}`),
  );
  assert.equal(reset.preferences.theme, 'light');
  assert.deepEqual(errors, []);
});

test('State: a user and a session title changed through the REST API while shown: untouched, the form follows; edited, it says so and saves over it only on purpose', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
  });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'State' }).click();
  const put = async (path: string, body: unknown) =>
    json(
      await fetch(`${server.url}${path}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  const preferences = `/users/me/preferences?user_id=${KOEN}`;
  const valueIs = (field: Locator, value: string) =>
    eventually(async () => (await field.inputValue()) === value, `the field to read "${value}"`);

  const form = page.getByRole('form', { name: 'Edit Koen van den Berg' });
  const save = form.getByRole('button', { name: 'Save user' });
  const language = form.getByLabel('Language');
  await valueIs(language, 'nl-NL');
  await put(preferences, { language: 'de-DE' });
  await valueIs(language, 'de-DE');
  assert.equal(await save.isDisabled(), true, 'nothing edited: nothing to save');

  // An edit is kept when the user changes elsewhere, and the form says what changed.
  await form.getByLabel('Email').fill('koen@example.test');
  await put(preferences, { language: 'fr-FR', theme: 'dark' });
  const notice = form.getByRole('status').filter({ hasText: 'changed in the engine while you were editing' });
  await notice.waitFor();
  const said = await notice.innerText();
  assert.match(said, /Theme "light" → "dark"; Language "de-DE" → "fr-FR"/);
  assert.match(said, /Saving writes your edits over it/);
  // What changed, quoted, fits the users' panel at 1280×720.
  const spills = await page
    .locator('.panel')
    .evaluateAll((panels) => panels.filter((panel) => panel.scrollWidth > panel.clientWidth + 1).length);
  assert.equal(spills, 0, 'a panel overflows sideways');
  await notice.scrollIntoViewIfNeeded();
  await screenshot(page, 'state-user-changed-elsewhere');
  assert.equal(await form.getByLabel('Email').inputValue(), 'koen@example.test');
  assert.equal(await language.inputValue(), 'de-DE');
  // Reload takes the engine's values.
  await notice.getByRole('button', { name: 'Reload (drop my edits)' }).click();
  await notice.waitFor({ state: 'detached' });
  assert.equal(await language.inputValue(), 'fr-FR');
  assert.equal(await form.getByLabel('Theme preference').inputValue(), 'dark');
  assert.notEqual(await form.getByLabel('Email').inputValue(), 'koen@example.test');
  assert.equal(await save.isDisabled(), true);

  // Saved after the notice, the form's values go over the other change, as it said they would.
  await language.fill('en-GB');
  await put(preferences, { theme: 'light' });
  await notice.waitFor();
  await save.click();
  await form.getByText('Saved').waitFor();
  const stored = await json<{ preferences: { theme: string; language: string } }>(
    await fetch(`${server.url}${preferences}`),
  );
  assert.deepEqual([stored.preferences.language, stored.preferences.theme], ['en-GB', 'dark']);
  assert.equal(await notice.count(), 0);

  // A session's title, the same way.
  const session = page.getByTestId('session-session-koen-bella-rosa');
  const title = session.getByLabel('Title of session-koen-bella-rosa');
  await put('/sessions/session-koen-bella-rosa', { title: 'Bella Rosa (via REST)' });
  await valueIs(title, 'Bella Rosa (via REST)');
  assert.equal(await session.getByRole('button', { name: 'Save title' }).count(), 0, 'nothing edited');
  await title.fill('Bella Rosa, mijn titel');
  await put('/sessions/session-koen-bella-rosa', { title: 'Bella Rosa (weer via REST)' });
  await session.getByRole('status').filter({ hasText: 'now "Bella Rosa (weer via REST)"' }).waitFor();
  assert.equal(await title.inputValue(), 'Bella Rosa, mijn titel');
  assert.deepEqual(errors, []);
});

test("State: a refused user save's error goes with Discard; a new user's empty form starts without errors", async () => {
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'State' }).click();
  const form = page.getByRole('form', { name: 'Edit Koen van den Berg' });
  await form.getByLabel('Email').fill('jan.devries@nvwa.nl');
  await form.getByRole('button', { name: 'Save user' }).click();
  const refusal = form.getByRole('alert');
  await refusal.waitFor();
  await form.getByRole('button', { name: 'Discard' }).click();
  await refusal.waitFor({ state: 'detached' });
  assert.equal(await form.getByLabel('Email').inputValue(), 'koen.vandenberg@nvwa.nl');

  await page.getByRole('button', { name: '+ New user' }).click();
  const create = page.getByRole('form', { name: 'New user' });
  assert.equal(await create.getByRole('button', { name: 'Create user' }).isDisabled(), true);
  assert.equal(await create.locator('.field-error').count(), 0, 'nothing typed yet, nothing wrong yet');
  await create.getByLabel('Name').fill('x');
  await create.getByLabel('Name').fill('');
  await create.locator('.field-error', { hasText: 'must not be empty' }).waitFor();
  assert.deepEqual(errors, []);
});

test('Requests: a PUT to the mocked API shows with its body both ways, and filters with /', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await page.getByRole('tab', { name: /^Requests/ }).click();
  // The example call is one this world answers: AGORA's.
  await page.getByTestId('requests-empty').filter({ hasText: 'e.g. GET /users/me' }).waitFor();

  await fetch(`${server.url}/health`);
  const put = await fetch(`${server.url}/users/me/preferences?user_id=${KOEN}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-client': 'e2e' },
    body: JSON.stringify({ language: 'en-GB', spoken_text_type: 'dictate' }),
  });
  assert.equal(put.status, 200);

  const rows = page.getByRole('listbox', { name: 'Requests' }).getByRole('option');
  await rows.nth(1).waitFor();
  await page.keyboard.press('/');
  await page.keyboard.type('PUT');
  assert.equal(await rows.count(), 1, 'the filter leaves the PUT');
  await page.getByLabel('Filter requests').blur();
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('request-detail');
  await detail.getByText('/users/me/preferences?user_id=').waitFor();
  assert.match((await detail.getByTestId('request-body').textContent()) ?? '', /"language": "en-GB"/);
  assert.match((await detail.getByTestId('response-body').textContent()) ?? '', /"spoken_text_type": "dictate"/);
  await detail.getByText('x-client').waitFor();
  await screenshot(page, 'requests');

  // Without the clipboard API (the console over plain http at a LAN address is no secure context) the command is
  // copied all the same: there is no text on screen to select instead.
  await page.evaluate(`(() => {
    Object.defineProperty(navigator, 'clipboard', { value: undefined });
    document.addEventListener('copy', (event) => { document.body.dataset.copied = event.target.value; });
  })()`);
  const copy = detail.getByRole('button', { name: 'Copy as curl' });
  await copy.click();
  await copy.filter({ hasText: 'Copied' }).waitFor();
  assert.match((await page.locator('body').getAttribute('data-copied')) ?? '', /^curl .*\/users\/me\/preferences/s);
  await copy.and(page.locator(':focus')).waitFor();
  assert.deepEqual(errors, []);
});

test('Requests: the empty log names a call this world answers, and none when no route or collection would', async () => {
  const server = await startTestEngine({ template: 'generic' });
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await page.getByRole('tab', { name: /^Requests/ }).click();
  const empty = page.getByTestId('requests-empty');
  await empty.waitFor();
  assert.doesNotMatch((await empty.textContent()) ?? '', /e\.g\.|users\/me/);
  const made = await fetch(`${server.url}/__console/api/collections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'items', path: '/items' }),
  });
  assert.equal(made.status, 201, await made.text());
  await empty.filter({ hasText: 'e.g. GET /items' }).waitFor();
  assert.deepEqual(errors, []);
});

test('Requests: the filter matches words apart and by key; nothing matching says so, and clears', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
  });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: /^Requests/ }).click();
  const put = await fetch(`${server.url}/users/me/preferences?user_id=${KOEN}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ theme: 'dark' }),
  });
  assert.equal(put.status, 200);
  assert.equal((await fetch(`${server.url}/nothing-here`, { method: 'POST' })).status, 404);
  const rows = page.getByRole('listbox', { name: 'Requests' }).getByRole('option');
  await rows.nth(1).waitFor();
  await rows.filter({ hasText: '/users/me/preferences' }).click();
  const detail = page.getByTestId('request-detail');
  await detail.getByText('/users/me/preferences?user_id=').waitFor();

  // Words apart, in any order: not one substring of "METHOD path status".
  const filter = page.getByLabel('Filter requests');
  const count = page.getByTestId('request-count');
  await filter.fill('nothing POST');
  await count.filter({ hasText: '1 of 2 requests' }).waitFor();
  assert.equal(await rows.count(), 1);
  await rows.filter({ hasText: '/nothing-here' }).waitFor();
  // The request shown is one the filter hides: the detail says so.
  await detail.getByTestId('request-hidden').filter({ hasText: 'The filter hides this request' }).waitFor();
  await filter.fill('status:404');
  await count.filter({ hasText: '1 of 2 requests' }).waitFor();
  await filter.fill('method:put');
  await count.filter({ hasText: '1 of 2 requests' }).waitFor();
  await detail.getByTestId('request-hidden').waitFor({ state: 'detached' });

  // Nothing matches: said, with a key there is none of named, and a way back.
  await filter.fill('stat:404');
  const none = page.getByTestId('requests-no-match');
  await none
    .filter({ hasText: /No request matches\. “stat” is not a search key — did you mean status:404\?/ })
    .waitFor();
  await count.filter({ hasText: '0 of 2 requests' }).waitFor();
  await screenshot(page, 'requests-no-match');
  await none.getByRole('button', { name: 'Clear the filter' }).click();
  await rows.nth(1).waitFor();
  assert.equal(await filter.inputValue(), '');
  // Back in the filter.
  await filter.and(page.locator(':focus')).waitFor();
  assert.equal(await count.count(), 0);
  assert.deepEqual(errors, []);
});

test('Settings: a bad value is named before saving; a good one applies to the running engine', async () => {
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Settings' }).click();
  const heartbeat = page.getByLabel('Ping interval');
  await heartbeat.fill('-5');
  await page.locator('.field-error').first().waitFor();
  assert.equal(await page.getByRole('button', { name: 'Save' }).isDisabled(), true);
  await heartbeat.fill('15000');
  await page.getByLabel('Scenario speed').fill('0.5');
  const connections = page.getByLabel('Connections held');
  await connections.fill('5');
  await page.locator('.field-error').first().waitFor();
  await connections.fill('2000');
  // The send key saves, as it submits every form of the console.
  await connections.press('ControlOrMeta+Enter');
  await page.getByText('Saved', { exact: true }).waitFor();
  const info = await json<{
    settings: { heartbeatIntervalMs: number; speed: number };
    connectionLimit: { max: number };
  }>(await fetch(`${shared.url}/__console/api/server`, { headers: { authorization: `Bearer ${shared.token}` } }));
  assert.deepEqual(
    [info.settings.heartbeatIntervalMs, info.settings.speed, info.connectionLimit.max],
    [15000, 0.5, 2000],
  );
  await screenshot(page, 'settings');
  assert.deepEqual(errors, []);
});

test('State: when a history limit evicts what runs recorded, a notice says so until dismissed', async () => {
  const server = await startTestEngine({ settings: { maxRecordedSessions: 1 } });
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'State' }).click();
  const ws = await AguiSocket.open(server.wsUrl);
  for (const [index, threadId] of ['run-1', 'run-2'].entries()) {
    ws.send({ threadId, userId: 'koen', messages: [{ role: 'user', content: 'Hallo' }] });
    await ws.waitForRuns(index + 1);
  }
  const notice = page.getByTestId('history-evicted');
  await notice.filter({ hasText: 'maxRecordedSessions' }).filter({ hasText: '1 run session removed whole' }).waitFor();
  await notice.getByRole('button', { name: 'Dismiss notice' }).click();
  await notice.waitFor({ state: 'detached' });
  await ws.close();

  await page.getByRole('tab', { name: 'Settings' }).click();
  assert.equal(await page.getByLabel('Sessions runs create').inputValue(), '1');
  assert.deepEqual(errors, []);
});

test('State: when a save or an export evicts what runs recorded so the workspace fits its file, the notice says why', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'State' }).click();
  recordTooLargeHistory(agoraStore(server));
  const exported = await fetch(`${server.url}/__console/api/workspace/export`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  assert.equal(exported.status, 200);
  await exported.body?.cancel();
  await page
    .getByTestId('history-evicted')
    .filter({ hasText: 'the workspace file’s 64 MiB' })
    .filter({ hasText: '2 run sessions removed whole' })
    .waitFor();
  assert.deepEqual(errors, []);
});

/** Whether the element is seen whole: inside the window and inside every box around it that scrolls. */
async function inSight(locator: import('playwright-core').Locator): Promise<boolean> {
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const { innerHeight } = element.ownerDocument.defaultView as { innerHeight: number };
    if (box.top < 0 || box.bottom > innerHeight) return false;
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
      if (parent.scrollHeight <= parent.clientHeight) continue;
      const around = parent.getBoundingClientRect();
      if (box.top < around.top - 1 || box.bottom > around.bottom + 1) return false;
    }
    return true;
  });
}

test("State: Reset to seed… and a session's Delete… take the focus into their question, in sight, and give it back", async () => {
  const { page, errors } = await openSharedConsole({ width: 1280, height: 720 });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'State' }).click();
  const focused = page.locator(':focus');

  const reset = page.getByRole('button', { name: 'Reset to seed…' });
  await reset.focus();
  await page.keyboard.press('Enter');
  const question = page.getByRole('alertdialog', { name: 'Reset to seed' });
  await question.getByRole('button', { name: 'Cancel' }).and(focused).waitFor();
  assert.equal(await inSight(question), true, 'the question is scrolled into sight');
  await screenshot(page, 'state-reset-question');
  await page.keyboard.press('Escape');
  await question.waitFor({ state: 'detached' });
  await reset.and(focused).waitFor();

  // A session's Delete…: Keep has the focus, Esc gives it back; deleted, the next session has it.
  const sessions = page.locator('[data-testid^="session-session-"]');
  await sessions.first().waitFor();
  const ids = await sessions.evaluateAll((items) => items.map((item) => item.getAttribute('data-testid') ?? ''));
  const doomed = page.getByTestId(ids[0] ?? '');
  const ask = doomed.getByRole('button', { name: 'Delete…' });
  await ask.click();
  await doomed.getByRole('button', { name: 'Keep' }).and(focused).waitFor();
  await page.keyboard.press('Escape');
  await ask.and(focused).waitFor();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Shift+Tab');
  await doomed.getByRole('button', { name: 'Delete', exact: true }).and(focused).waitFor();
  await page.keyboard.press('Enter');
  await doomed.waitFor({ state: 'detached' });
  await page
    .getByTestId(ids[1] ?? '')
    .getByRole('button', { name: 'History' })
    .and(focused)
    .waitFor();
  assert.deepEqual(errors, []);
});

test('What is typed and not saved in Settings, a user and a session title outlives a look at another view', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  const away = async (view: string) => {
    await page.getByRole('tab', { name: 'Routes' }).click();
    await page.getByTestId('mount-editor').or(page.getByText('No routes yet')).first().waitFor();
    await page.getByRole('tab', { name: view }).click();
  };

  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('Scenario speed').fill('2.5');
  await away('Settings');
  assert.equal(await page.getByLabel('Scenario speed').inputValue(), '2.5');
  assert.equal(await page.getByRole('button', { name: 'Save', exact: true }).isEnabled(), true, 'still unsaved');
  // Discarded, it is gone for good.
  await page.getByRole('button', { name: 'Discard' }).click();
  await away('Settings');
  assert.equal(await page.getByLabel('Scenario speed').inputValue(), '0');

  await page.getByRole('tab', { name: 'State' }).click();
  const form = page.getByRole('form', { name: 'Edit Koen van den Berg' });
  await form.getByLabel('Email').fill('koen@example.test');
  const title = page.getByRole('textbox', { name: 'Title of session-koen-bella-rosa' });
  await title.fill('Bella Rosa, nog niet bewaard');
  await away('State');
  assert.equal(await form.getByLabel('Email').inputValue(), 'koen@example.test');
  assert.equal(await title.inputValue(), 'Bella Rosa, nog niet bewaard');

  // Saved, the stored values are what comes back.
  await form.getByRole('button', { name: 'Save user' }).click();
  await form.getByText('Saved').waitFor();
  await page.getByRole('button', { name: 'Save title' }).click();
  await page.getByRole('button', { name: 'Save title' }).waitFor({ state: 'detached' });
  await away('State');
  assert.equal(await form.getByLabel('Email').inputValue(), 'koen@example.test');
  assert.equal(await title.inputValue(), 'Bella Rosa, nog niet bewaard');
  assert.equal(await form.getByRole('button', { name: 'Discard' }).isDisabled(), true, 'nothing unsaved');
  assert.deepEqual(errors, []);
});
