import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { silentLogger, startMockServer } from '../src/server/index';
import { AguiSocket } from '../test/helpers/agui-socket';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { openConsole, screenshot, waitUntilLive } from './helpers/console-page';

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();

test('the console opens with its token, which leaves the address bar; the status bar shows where to connect', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  assert.equal(await page.getByTestId('HTTP address').textContent(), server.url);
  assert.equal(await page.getByTestId('WebSocket address').textContent(), server.wsUrl);
  assert.equal(new URL(page.url()).hash, '', 'the token is not left in the address bar');
  await page.reload();
  await waitUntilLive(page);
  await page.getByTestId('open-sockets').filter({ hasText: '0 open sockets' }).waitFor();
  await screenshot(page, 'start');
  assert.deepEqual(errors, [], `no errors in the page (CSP included): ${errors.join('; ')}`);
});

test('without a token, or with a wrong one, the console says how to open it; pasting the URL works', async () => {
  const server = await startTestEngine();
  const { page } = await openConsole(server, browser, `${server.url}/__console/`);
  const screen = page.getByTestId('access-screen');
  await screen.getByRole('heading', { name: 'This console needs its token' }).waitFor();
  assert.match((await screen.textContent()) ?? '', /#token=/);
  await screen.getByLabel('Console token or URL').fill('wrong-token');
  await screen.getByRole('button', { name: 'Open console' }).click();
  await screen.getByRole('heading', { name: 'This token is not accepted' }).waitFor();
  await screen.getByText(/Invalid console token/).waitFor();
  await screenshot(page, 'token-screen');
  await screen.getByLabel('Console token or URL').fill(server.consoleUrl);
  await screen.getByRole('button', { name: 'Open console' }).click();
  await waitUntilLive(page);
});

test('when the engine goes away the console says it is reconnecting, and comes back with fresh lists', async () => {
  const options = { port: 0, token: 'reconnect-token', logger: silentLogger, settings: { speed: 0 } };
  const first = await startMockServer(options);
  const { page, errors } = await openConsole(first, browser);
  await waitUntilLive(page);
  await first.close();
  await page.getByTestId('reconnecting').waitFor();
  await page.getByTestId('engine-state').filter({ hasText: 'Reconnecting' }).waitFor();

  const second = await startMockServer({ ...options, port: first.port });
  after(() => second.close());
  const ws = await AguiSocket.open(second.wsUrl);
  // The backoff is at most 3 s between tries: well within the page's default wait.
  await page.getByTestId('reconnecting').waitFor({ state: 'detached' });
  await waitUntilLive(page);
  await page.locator('.connection-item').first().waitFor();
  ws.socket.close();
  // Chromium itself logs each reconnect attempt refused while the engine was down; anything else is a fault.
  const refusedWhileDown = /WebSocket connection to '[^']*\/__console\/live' failed: .*ERR_CONNECTION_REFUSED/;
  assert.deepEqual(
    errors.filter((error) => !refusedWhileDown.test(error)),
    [],
  );
});

test('/__console redirects to /__console/, sends a strict CSP, and unknown console files are 404', async () => {
  const server = await startTestEngine();
  const index = await fetch(`${server.url}/__console/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-security-policy') ?? '', /script-src 'self';.*frame-ancestors 'none'/);
  assert.equal(index.headers.get('access-control-allow-origin'), null, 'no CORS on the console');
  const redirect = await fetch(`${server.url}/__console`, { redirect: 'manual' });
  assert.equal(redirect.status, 308);
  assert.equal(redirect.headers.get('location'), '/__console/');
  const missing = await fetch(`${server.url}/__console/nope.js`);
  assert.equal(missing.status, 404);
});

test("CSP connect-src 'self': opened as localhost, the live feed and Try it still connect; other hosts are blocked", async () => {
  const server = await startTestEngine();
  const index = await fetch(`${server.url}/__console/`);
  assert.match(index.headers.get('content-security-policy') ?? '', /connect-src 'self';/);
  assert.doesNotMatch(index.headers.get('content-security-policy') ?? '', /ws:|wss:/);
  // The engine names itself 127.0.0.1; a person may well type localhost. 'self' is then localhost:PORT.
  const local = server.consoleUrl.replace('127.0.0.1', 'localhost');
  const { page, errors } = await openConsole(server, browser, local);
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Try it' }).click();
  // Try it connects on the first prompt: ready to send before that.
  await page
    .getByTestId('try-it-status')
    .filter({ hasText: /^disconnected$/ })
    .waitFor();
  await page.getByLabel('Prompt').fill('hallo');
  await page.getByRole('button', { name: 'Send prompt' }).click();
  await page.getByTestId('run-marker').filter({ hasText: 'Run finished' }).waitFor();
  assert.deepEqual(errors, [], `no errors in the page (CSP included): ${errors.join('; ')}`);

  // A script in the console cannot reach any other socket or origin: the CSP refuses before connecting.
  const blocked = await page.evaluate(
    (port) =>
      Promise.all(
        [`ws://127.0.0.1:${port}/__console/live`, `ws://127.0.0.1:${port + 1}/`, 'wss://evil.example/'].map(
          (url) =>
            new Promise<string>((resolve) => {
              try {
                const socket = new WebSocket(url);
                socket.onopen = () => resolve(`opened ${url}`);
                socket.onerror = () => resolve('blocked');
              } catch {
                resolve('blocked');
              }
            }),
        ),
      ),
    server.port,
  );
  assert.deepEqual(blocked, ['blocked', 'blocked', 'blocked']);
});
