import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { eventually } from '../test/helpers/wait';
import { seriousAxeViolations } from './helpers/axe';
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

/** Sends `count` requests to the mocked API, a few at a time, each a path of its own. */
function requestBurst(url: string) {
  let sent = 0;
  return async (count: number) => {
    for (let done = 0; done < count; done += 10)
      await Promise.all(
        Array.from({ length: Math.min(10, count - done) }, async () => {
          const response = await fetch(`${url}/users/me?n=${++sent}`);
          await response.arrayBuffer();
        }),
      );
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

test('the Requests view keeps what the log let go of live, and says when the request shown was dropped', async () => {
  const server = await startTestEngine({ settings: { requestLogSize: 50 } });
  const api = controlClient(server);
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  // What the console asks the engine about the request log, and every request it was told is gone (404).
  const looks: number[] = [];
  const notFound: string[] = [];
  page.on('request', (request) => {
    if (/\/__console\/api\/requests\?/.test(request.url())) looks.push(Date.now());
  });
  page.on('response', (response) => {
    if (/\/__console\/api\/requests\/\d+$/.test(response.url()) && response.status() === 404)
      notFound.push(response.url());
  });
  const burst = requestBurst(server.url);
  const count = (value: number) => value.toLocaleString('en');
  const dropped = async () =>
    (await api.get<{ log: { droppedForSize: number } }>('/requests?limit=1')).body.log.droppedForSize;

  await burst(10);
  await page.getByRole('tab', { name: /^Requests/ }).click();
  const rows = page.getByRole('listbox', { name: 'Requests' }).getByRole('option');
  await rows.nth(9).waitFor();
  // The oldest opened: its headers shown.
  await rows.last().click();
  const detail = page.getByTestId('request-detail');
  await detail.getByText('Request headers').waitFor();
  const path = (await detail.locator('.request-path').textContent()) ?? '';
  assert.match(path, /^\/users\/me\?n=\d+$/);
  assert.equal(await page.getByTestId('requests-evicted').count(), 0, 'nothing dropped yet');

  // A burst pushes it out of the log of 50, and more: without leaving the view, the count follows the engine's.
  const started = Date.now();
  await burst(200);
  const losses = page.getByTestId('requests-evicted');
  await losses.filter({ hasText: `${count(await dropped())} older requests were dropped (requests kept)` }).waitFor();
  // The request shown stays shown, and says it was dropped and by what.
  const notice = detail.getByTestId('request-dropped');
  await notice.waitFor();
  assert.match(
    (await notice.textContent()) ?? '',
    /has since been dropped from the engine's log: it keeps the newest 50 requests \(Settings → Requests kept\)/,
  );
  assert.equal(await detail.locator('.request-path').textContent(), path);
  await detail.getByText('Request headers').waitFor();
  await screenshot(page, 'requests-dropped-shown');
  // The list holds what the log holds: the newest 50.
  const tab = page.getByRole('tab', { name: /^Requests/ });
  await eventually(async () => (await tab.textContent())?.replace(/\D/g, '') === '50', 'the Requests tab counting 50');

  // Another burst: the count follows again.
  await burst(100);
  await losses.filter({ hasText: `${count(await dropped())} older requests were dropped (requests kept)` }).waitFor();
  const seconds = (Date.now() - started) / 1000;
  // One look a second at most while requests arrive (and the one as the view opened).
  const looked = looks.filter((at) => at >= started).length;
  assert.ok(looked <= Math.ceil(seconds) + 2, `${looked} looks at the log in ${seconds.toFixed(1)} s`);
  assert.deepEqual(notFound, [], 'no request asked for that the console knew was gone');
  assert.deepEqual(errors, []);
});

test('the Requests tab and view count what the engine logged, not only the newest 1,000 the console lists', async () => {
  const server = await startTestEngine({ settings: { requestLogSize: 5_000 } });
  const api = controlClient(server);
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
  });
  await waitUntilLive(page);
  const burst = requestBurst(server.url);
  await burst(1_200);
  // Wherever the console is, its tab counts the log: 1,200, with how many it shows.
  const tab = page.getByRole('tab', { name: /^Requests/ });
  const tabCount = tab.locator('.count');
  await tabCount.filter({ hasText: /^1,200$/ }).waitFor();
  assert.equal(await tabCount.getAttribute('title'), '1,000 shown of 1,200 logged');

  await tab.click();
  await page
    .getByTestId('requests-logged')
    .filter({ hasText: /^1,200$/ })
    .waitFor();
  const count = page.getByTestId('request-count');
  await count.filter({ hasText: /^1,000 shown of 1,200 logged$/ }).waitFor();
  const rows = page.getByRole('listbox', { name: 'Requests' }).getByRole('option');
  await rows.first().waitFor();
  // The filter searches what is listed, and says of how many logged.
  await page.getByLabel('Filter requests').fill('method:get');
  await count.filter({ hasText: /^1,000 of 1,000 requests \(1,000 shown of 1,200 logged\)$/ }).waitFor();
  await page.getByLabel('Filter requests').fill('');

  // What one mount answered: counted in the engine's log, and on with the feed.
  const newest = await api.get<{ items: { answeredBy: { kind: string; id: string } }[] }>('/requests?limit=1');
  const answeredBy = newest.body.items[0]?.answeredBy;
  assert.ok(answeredBy, 'the requests were answered');
  await page.getByLabel('Answered by').selectOption(`${answeredBy.kind}:${answeredBy.id}`);
  await count.filter({ hasText: /^1,000 shown of 1,200 logged$/ }).waitFor();
  await burst(30);
  await count.filter({ hasText: /^1,000 shown of 1,230 logged$/ }).waitFor();
  await page
    .getByTestId('requests-logged')
    .filter({ hasText: /^1,230$/ })
    .waitFor();
  await tabCount.filter({ hasText: /^1,230$/ }).waitFor();
  await screenshot(page, 'requests-shown-of-logged');
  // The counts are read as well as the rest of the view, in either theme.
  for (const theme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
    assert.deepEqual(await seriousAxeViolations(page), [], theme);
  }
  assert.deepEqual(errors, []);
});
