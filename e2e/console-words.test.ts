import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { openConsole, waitUntilLive } from './helpers/console-page';

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();
/** Generous: these specs audit and measure many views on a machine other work shares. */
const waitMs = 20_000;
const DATE_TIME = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/;

test("Workspace: the engine's own words for a failure; Save as names an unnamed world after its file", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agui-console-words-'));
  const server = await startTestEngine({ workspaceOptions: { configDir: dir } });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { waitMs });
  await waitUntilLive(page);
  const status = page.getByTestId('workspace-status');
  await status.getByRole('button', { name: 'Untitled ▾' }).click();
  const panel = page.getByRole('dialog', { name: 'Workspace' });

  const missing = join(dir, 'missing.agui.json');
  await panel.getByRole('button', { name: 'Open…' }).click();
  await panel.getByLabel('File to open').fill(missing);
  await panel.getByRole('button', { name: 'Open', exact: true }).click();
  const alert = panel.getByRole('alert').filter({ hasText: `${missing}: no such file` });
  await alert.waitFor();
  assert.doesNotMatch((await alert.textContent()) ?? '', /answered/);

  await panel.getByRole('button', { name: 'Save as…' }).click();
  await panel.getByLabel('Save to').fill(join(dir, 'shop.agui.json'));
  await panel.getByRole('button', { name: 'Save', exact: true }).last().click();
  await status.getByRole('button', { name: 'shop ▾' }).waitFor();
  const saved = panel.locator('dt', { hasText: 'Saved' }).locator('xpath=following-sibling::dd[1]');
  // The name can show before the save's time does (two updates from the engine): wait for the time.
  await saved.filter({ hasText: DATE_TIME }).waitFor();
  assert.match((await saved.textContent()) ?? '', DATE_TIME);
  assert.deepEqual(errors, []);
});

test('Settings and scenarios: problems in plain words; every speed label says delays are multiplied', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { waitMs });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Settings' }).click();
  // Named with its unit, as the label shows it (a screen reader said "Ping interval" without "(ms)").
  const problemOf = (label: string) =>
    page.locator('label.field', { has: page.getByLabel(label, { exact: true }) }).locator('.field-error');
  await page.getByLabel('Largest WebSocket frame').fill('10');
  await problemOf('Largest WebSocket frame (bytes)').filter({ hasText: 'At least 1,024 bytes.' }).waitFor();
  await page.getByLabel('Ping interval').fill('1.5');
  await problemOf('Ping interval (ms)').filter({ hasText: 'Use a whole number of ms.' }).waitFor();
  await page.getByText('0.5 plays twice as fast, 2 twice as slow').waitFor();
  await page.getByLabel('Scenario speed').fill('');
  await problemOf('Scenario speed (×)').filter({ hasText: 'Enter a number.' }).waitFor();
  const text = (await page.locator('form.panel').textContent()) ?? '';
  assert.doesNotMatch(text, /expected|received|>=|Too small/, 'no schema library wording');
  await page.getByRole('button', { name: 'Discard' }).click();

  // The speed setting from the scenario editor: the same words, and it sets the same setting.
  await page.getByRole('tab', { name: 'Scenarios' }).click();
  await page.getByRole('table', { name: 'Scenarios' }).getByRole('button', { name: 'Inspectie starten' }).click();
  const speed = page.getByLabel("Speed of every run (the engine's setting)");
  const options = await speed.locator('option').allTextContents();
  assert.ok(options.includes('2× delays — twice as slow'), options.join(' | '));
  assert.ok(options.includes('0.5× delays — twice as fast'), options.join(' | '));
  assert.ok(!options.some((option) => /faster|slower/.test(option)), options.join(' | '));
  await speed.selectOption('0.5');
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('Scenario speed').and(page.locator('[value="0.5"]')).waitFor();

  await page.getByRole('tab', { name: 'State' }).click();
  const session = page.getByTestId('session-session-koen-bella-rosa');
  assert.match((await session.textContent()) ?? '', DATE_TIME, 'last activity as 2026-12-01 21:23:05');
  assert.deepEqual(errors, []);
});

test('Requests: the size of a body is counted in 1024s and named so (KiB), as the engine names sizes', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const route = { id: 'echo', method: 'POST', path: '/echo', responses: [{ id: 'ok', body: { json: '{{body}}' } }] };
  const added = await controlClient(server).post('/routes', route);
  assert.equal(added.status, 201, JSON.stringify(added.body));
  // 1,536 bytes: `{"a":"…"}` around 1,528 characters.
  const sent = await fetch(`${server.url}/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ a: 'x'.repeat(1528) }),
  });
  assert.equal(sent.status, 200);
  await sent.arrayBuffer();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { waitMs });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: /^Requests/ }).click();
  await page.getByRole('listbox', { name: 'Requests' }).getByRole('option').first().click();
  await page.getByTestId('request-detail').getByText('1.5 KiB', { exact: true }).first().waitFor();
  assert.doesNotMatch((await page.getByTestId('request-detail').textContent()) ?? '', /\bkB\b/);
  assert.deepEqual(errors, []);
});

test('Token screen: a pasted console URL opens the console, in the field or in the address bar', async () => {
  const server = await startTestEngine();
  const bare = `${server.url}/__console/`;

  const first = await openConsole(server, browser, bare, { waitMs });
  await first.page.getByTestId('access-screen').waitFor();
  await first.page.getByLabel('Console token or URL').fill(server.consoleUrl);
  await first.page.getByRole('button', { name: 'Open console' }).click();
  await waitUntilLive(first.page);
  assert.deepEqual(first.errors, []);
  await first.page.close();

  // Pasted into the address bar of the open tab, only the #token=… part changes: the page does not reload.
  const second = await openConsole(server, browser, bare, { waitMs });
  await second.page.getByTestId('access-screen').waitFor();
  await second.page.goto(server.consoleUrl);
  await waitUntilLive(second.page);
  assert.doesNotMatch(second.page.url(), /token=/, 'the token leaves the address bar');
  assert.deepEqual(second.errors, []);
  await second.page.close();
});

test('Try it renders the agent’s markdown: no raw HTML, links open outside, unsafe links go nowhere', async () => {
  const server = await startTestEngine();
  const reply = [
    'Found **Restaurant Bella Rosa**:\n\n',
    '- see [the register](https://example.com/kvk)\n',
    '- [not a link](javascript:alert(1))\n\n',
    '<img src="x" onerror="document.title=\'pwned\'"> ',
    '![a photo](https://example.com/photo.png)',
  ];
  const created = await fetch(`${server.url}/__console/api/scenarios`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      id: 'markdown-reply',
      name: 'Markdown reply',
      triggers: [{ match: 'substring', value: 'markdown please', priority: 100 }],
      steps: [{ type: 'text', spoken: false, chunks: reply }],
    }),
  });
  assert.equal(created.status, 201, await created.text());
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { waitMs });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Try it' }).click();
  // Try it connects on the first prompt: ready to send before that.
  await page
    .getByTestId('try-it-status')
    .filter({ hasText: /^disconnected$/ })
    .waitFor();
  await page.getByLabel('Prompt').fill('markdown please');
  await page.getByRole('button', { name: 'Send prompt' }).click();

  const message = page.getByTestId('assistant-message').filter({ hasText: 'Found' });
  await page.getByTestId('run-marker').filter({ hasText: 'Run finished' }).waitFor();
  await message.locator('strong', { hasText: 'Restaurant Bella Rosa' }).waitFor();
  assert.equal(await message.locator('li').count(), 2, 'a list');
  const link = message.getByRole('link', { name: 'the register' });
  assert.equal(await link.getAttribute('href'), 'https://example.com/kvk');
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.match((await link.getAttribute('rel')) ?? '', /noopener/);
  const unsafe = message.locator('a', { hasText: 'not a link' });
  assert.ok(!((await unsafe.getAttribute('href')) ?? '').startsWith('javascript'), 'the javascript: URL is dropped');
  assert.equal(await message.locator('img').count(), 0, 'no image is loaded, raw or markdown');
  assert.match((await message.textContent()) ?? '', /<img src="x"/, 'raw HTML shows as the text it is');
  await message.getByRole('link', { name: 'a photo' }).waitFor();
  assert.notEqual(await page.title(), 'pwned');
  assert.deepEqual(errors, []);
});
