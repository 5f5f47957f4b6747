import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { openConsole, screenshot, waitUntilLive } from './helpers/console-page';

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();

test('a blank workspace: the empty Connections view offers only what it serves, and calls no AGORA API', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
    waitMs: 15_000,
  });
  const notFound: string[] = [];
  page.on('response', (response) => {
    if (response.status() === 404) notFound.push(new URL(response.url()).pathname);
  });
  await page.reload();
  await waitUntilLive(page);
  const empty = page.getByTestId('connections-empty');
  await empty.waitFor();
  const text = (await empty.textContent()) ?? '';
  // No socket: no WebSocket snippet (it used to read `new WebSocket('null')`), no AGORA prompt, and a request
  // the workspace answers instead of AGORA's /users/me.
  assert.doesNotMatch(text, /null|WebSocket\(|wscat|users\/me|inspectie/);
  await empty.getByText(`curl ${server.url}/hello`).waitFor();
  assert.equal(await empty.getByRole('button', { name: 'Try it with the built-in client' }).count(), 0);
  assert.equal(await page.getByTestId('main-endpoint').count(), 0);
  await screenshot(page, 'connections-empty-blank');
  assert.deepEqual(
    notFound.filter((path) => path.startsWith('/__console/api/state/')),
    [],
    'AGORA state is not asked for without its pack',
  );

  // A socket that is not AG-UI gets a plain text snippet; once an AG-UI one is added, the snippets and the status
  // bar name it instead (without a reload: the console learns the new endpoints).
  const api = controlClient(server);
  await api.post('/sockets', { id: 'echo', path: '/ws/echo', behaviour: { type: 'echo' } });
  await empty.getByText(`npx wscat -c ${server.url.replace('http', 'ws')}/ws/echo`).waitFor();
  assert.doesNotMatch((await empty.textContent()) ?? '', /RunAgentInput|threadId/);
  await page.getByTestId('main-endpoint').filter({ hasText: '/ws/echo' }).waitFor();
  await api.post('/sockets', { id: 'chat', path: '/ws/chat', behaviour: { type: 'agui', scenarios: '*' } });
  await empty.getByText(`npx wscat -c ${server.url.replace('http', 'ws')}/ws/chat`).waitFor();
  await empty.getByText("threadId: 'thread-1'").waitFor();
  await page.getByTestId('main-endpoint').filter({ hasText: '/ws/chat' }).waitFor();
  assert.deepEqual(errors, []);
});

test('Try it picks among the AG-UI endpoints (sockets and agents), an AG-UI socket first; echo sockets are left out', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  await api.post('/sockets', { id: 'echo', path: '/ws/echo', behaviour: { type: 'echo' } });
  await api.post('/sockets', {
    id: 'chat',
    name: 'Chat',
    path: '/ws/chat',
    behaviour: { type: 'agui', scenarios: '*' },
  });
  await api.post('/agents', { id: 'helper', path: '/helper', scenarios: '*' });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
    waitMs: 15_000,
  });
  await waitUntilLive(page);
  // The status bar shows the AG-UI socket, not the first socket listed.
  await page.getByTestId('main-endpoint').filter({ hasText: '/ws/chat' }).waitFor();
  await page.getByRole('tab', { name: 'Try it' }).click();
  const picker = page.getByLabel('Endpoint');
  // Connected by hand (looking at Try it connects nothing).
  await page.getByRole('button', { name: 'Connect' }).click();
  await page
    .getByTestId('try-it-status')
    .filter({ hasText: /^connected$/ })
    .waitFor();
  assert.deepEqual(await picker.locator('option').allTextContents(), [
    'WebSocket /ws/chat — Chat',
    'HTTP POST /helper',
  ]);
  assert.equal(await picker.inputValue(), 'socket:chat');
  await screenshot(page, 'try-it-endpoints');

  // The agent: a run over HTTP, and the socket is closed (nothing to keep open for an agent).
  await picker.selectOption('agent:helper');
  await page.getByTestId('try-it-status').waitFor({ state: 'detached' });
  await page.getByLabel('Prompt').fill('hello');
  await page.getByRole('button', { name: 'Send prompt' }).click();
  await page.getByTestId('run-marker').first().waitFor();
  await page.getByRole('tab', { name: /^Connections/ }).click();
  await page.locator('.connection-item').filter({ hasText: '/helper' }).first().waitFor();
  await page.locator('.connection-item').filter({ hasText: '/ws/chat' }).filter({ hasText: 'closed' }).waitFor();
  assert.deepEqual(errors, []);
});
