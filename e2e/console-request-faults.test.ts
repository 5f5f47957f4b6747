import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { openConsole, waitUntilLive } from './helpers/console-page';

// A request the mock closed without answering reads as that in the Requests view, not as a client error.

const browser = await launchBrowser();

test('a reset fault is listed as 444 that says no response was sent, in the list and in the request pane', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const route = { id: 'flaky', path: '/flaky', responses: [{ id: 'rst', fault: { type: 'reset' } }] };
  assert.equal((await api.post('/routes', route)).status, 201);
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await assert.rejects(fetch(`${server.url}/flaky`), 'the client gets no response');

  await page.getByRole('tab', { name: /^Requests/ }).click();
  const row = page.getByRole('option', { name: /\/flaky/ });
  const listed = row.locator('.status-code');
  await listed.filter({ hasText: /^444/ }).waitFor();
  const meaning = 'no response: the mock closed the connection without one (a reset or empty fault)';
  assert.equal(await listed.getAttribute('title'), meaning);
  assert.equal(await listed.textContent(), `444 (${meaning})`, 'said to a screen reader too');
  await row.click();
  const heading = page.locator('.request-heading .status-code');
  await heading.filter({ hasText: /^444/ }).waitFor();
  assert.equal(await heading.getAttribute('title'), meaning);
  assert.deepEqual(errors, []);
});
