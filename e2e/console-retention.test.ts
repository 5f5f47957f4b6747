import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { startTestEngine } from '../test/helpers/engine';
import { eventually } from '../test/helpers/wait';
import { launchBrowser } from './helpers/browser';
import { openConsole, screenshot, waitUntilLive } from './helpers/console-page';

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();

const MIB = 1024 * 1024;

/** A raw `/ws` client that sends text frames (not JSON: each is logged and answered) and waits for the answers. */
async function chattyClient(url: string) {
  const socket = new WebSocket(url);
  let received = 0;
  socket.on('message', () => received++);
  socket.on('error', () => {});
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    async send(count: number, chars: number) {
      const before = received;
      for (let i = 0; i < count; i++) socket.send(`${i} ${'x'.repeat(chars)}`);
      await eventually(() => received >= before + count, `${count} answers`);
    },
  };
}

test('the console says what the memory budget evicted: older frames, a closed connection, request bodies', async () => {
  const server = await startTestEngine({ settings: { retainedMemoryBytes: MIB, logBodyBytes: 64 * 1024 } });
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);

  // A connection that closed, selected in the console.
  const early = await chattyClient(server.wsUrl);
  await early.send(2, 10);
  early.socket.close(1000);
  const item = page.locator('.connection-item');
  await item.first().waitFor();
  await page.locator('.connection-item.closed').click();
  await page.getByTestId('frame-count').filter({ hasText: '4 frames' }).waitFor();

  // A flood on an open connection: the closed one goes first (the console says so), then old frames.
  const flood = await chattyClient(server.wsUrl);
  await flood.send(150, 4000);
  await page.getByTestId('connection-removed').waitFor();
  await page.locator('.connection-item.open').click();
  await page.getByTestId('frames-evicted-badge').waitFor();
  // The row opening the stream says how many: stop following and go to the top.
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.locator('.frame-stream').evaluate((stream) => {
    stream.scrollTop = 0;
  });
  const evicted = page.getByTestId('frames-evicted');
  await evicted.waitFor();
  assert.match((await evicted.textContent()) ?? '', /older frames were evicted \(memory budget\)/);
  await screenshot(page, 'frames-evicted');

  // Large request bodies: the old ones lose their text to the budget, and say so.
  for (let i = 0; i < 30; i++) {
    const response = await fetch(`${server.url}/users/me/preferences?user_id=koen`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ theme: 'dark', notes: 'n'.repeat(100_000) }),
    });
    await response.arrayBuffer();
  }
  await page.getByRole('tab', { name: /^Requests/ }).click();
  const losses = page.getByTestId('requests-evicted');
  await losses.waitFor();
  assert.match((await losses.textContent()) ?? '', /The bodies of [\d,]+ requests were evicted \(memory budget\)/);
  await page.getByRole('listbox', { name: 'Requests' }).getByRole('option').last().click();
  await page
    .getByTestId('request-body')
    .filter({ hasText: /evicted from the log to stay within the engine's memory budget/ })
    .waitFor();
  await screenshot(page, 'requests-evicted');
  assert.deepEqual(errors, []);
  flood.socket.close();
});
