import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AguiSocket } from '../test/helpers/agui-socket';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { openConsole, screenshot, selectFirstConnection, waitUntilLive } from './helpers/console-page';
import { pageFreezeDuring } from './helpers/page-freeze';

const FRAMES_PER_SECOND = 2000;
const SECONDS = 4;
const BATCH = 100;

test('a client receiving 2 000 frames/s: the console keeps following, stays responsive, keeps 5 000 frames', async (t) => {
  const server = await startTestEngine({ settings: { frameBufferSize: 20_000 } });
  const browser = await launchBrowser();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  const ws = await AguiSocket.open(server.wsUrl);
  const id = await selectFirstConnection(page);
  const api = controlClient(server);
  await api.post(`/connections/${id}/events`, {
    events: [
      { type: 'RUN_STARTED', threadId: 'load', runId: 'load-run' },
      { type: 'TEXT_MESSAGE_START', messageId: 'flood', role: 'assistant' },
    ],
  });

  const total = FRAMES_PER_SECOND * SECONDS;
  const freeze = await pageFreezeDuring(page, async () => {
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
    await page.getByTestId('frame-count').filter({ hasText: '5,000 frames' }).waitFor();
    await page.locator('.frame-row', { hasText: `chunk-${total - 1} ` }).waitFor();
  });
  const rendered = await page.locator('.frame-row').count();
  assert.ok(rendered < 120, `virtualised: ${rendered} rows in the DOM`);
  const froze = `worst gap between frames ${Math.round(freeze.wallMs)} ms, ${Math.round(freeze.busyMs)} ms of it the page's work`;
  t.diagnostic(froze);
  // Judged on the page's own work: a busy machine may keep Chromium from a core for longer, which no console can help.
  assert.ok(freeze.busyMs < 1000, `the page never froze for a second: ${froze}`);
  await screenshot(page, 'load');
  assert.deepEqual(errors, []);
});
