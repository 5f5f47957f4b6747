import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AguiSocket } from '../test/helpers/agui-socket';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { openConsole, screenshot, waitUntilLive } from './helpers/console-page';

const FRAMES_PER_SECOND = 2000;
const SECONDS = 4;
const BATCH = 100;

/** Longest gap between animation frames since it was installed: how long the page was frozen at worst. */
const INSTALL_FRAME_MONITOR = `(() => {
  window.__maxFrameGap = 0;
  let last = performance.now();
  const tick = (now) => { window.__maxFrameGap = Math.max(window.__maxFrameGap, now - last); last = now; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;

test('a client receiving 2 000 frames/s: the console keeps following, stays responsive, keeps 5 000 frames', async () => {
  const server = await startTestEngine({ settings: { frameBufferSize: 20_000 } });
  const browser = await launchBrowser();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  const ws = await AguiSocket.open(server.wsUrl);
  await page.locator('.connection-item').first().click();
  const id = ((await page.locator('.connection-item').first().getAttribute('data-testid')) ?? '').slice(
    'connection-'.length,
  );
  const api = controlClient(server);
  await api.post(`/connections/${id}/events`, {
    events: [
      { type: 'RUN_STARTED', threadId: 'load', runId: 'load-run' },
      { type: 'TEXT_MESSAGE_START', messageId: 'flood', role: 'assistant' },
    ],
  });
  await page.evaluate(INSTALL_FRAME_MONITOR);

  const total = FRAMES_PER_SECOND * SECONDS;
  const started = performance.now();
  for (let sent = 0; sent < total; sent += BATCH) {
    const events = Array.from({ length: BATCH }, (_, i) => ({
      type: 'TEXT_MESSAGE_CONTENT',
      messageId: 'flood',
      delta: `chunk-${sent + i} `,
    }));
    const { status } = await api.post(`/connections/${id}/events`, { events });
    assert.equal(status, 200);
    const due = started + ((sent + BATCH) / FRAMES_PER_SECOND) * 1000;
    await sleep(Math.max(0, due - performance.now()));
  }
  await ws.waitUntil(() => ws.events.length === total + 2);
  // Still following: the newest chunk is on screen, the store holds the newest 5 000 frames only.
  await page.getByTestId('frame-count').filter({ hasText: '5000 frames' }).waitFor();
  await page.locator('.frame-row', { hasText: `chunk-${total - 1} ` }).waitFor();
  const rendered = await page.locator('.frame-row').count();
  assert.ok(rendered < 120, `virtualised: ${rendered} rows in the DOM`);
  const maxGap = Number(await page.evaluate('window.__maxFrameGap'));
  assert.ok(maxGap < 1000, `the page never froze for a second (worst gap ${Math.round(maxGap)} ms)`);
  await screenshot(page, 'load');
  assert.deepEqual(errors, []);
});
