import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { startTestEngine } from '../test/helpers/engine';
import { RawSocket } from '../test/helpers/raw-socket';
import { seriousAxeViolations } from './helpers/axe';
import { launchBrowser } from './helpers/browser';
import { openConsole, screenshot, seenWhole, waitUntilLive } from './helpers/console-page';

// A socket that does not speak AG-UI (the FastAPI tutorial's echo) in the console: its frames both ways, and a
// raw text or JSON frame sent into it from the inject drawer, on a laptop screen, accessible in both themes.

const browser = await launchBrowser();
const waitMs = 20_000;
const viewport = { width: 1280, height: 720 };

async function sidewaysSpills(page: Page): Promise<string[]> {
  return page
    .locator('.view .panel-body, .view .panel')
    .evaluateAll((elements) =>
      elements
        .filter((element) => element.scrollWidth > element.clientWidth + 1)
        .map((element) => `${element.className} (+${element.scrollWidth - element.clientWidth}px)`),
    );
}

test('an echo socket shows in the console, and a raw text and JSON frame go into it from the drawer', async () => {
  const server = await startTestEngine({ template: 'fastapi-tutorial' });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);

  const client = await RawSocket.open(`${server.url.replace('http', 'ws')}/ws/echo`);
  client.send('Hello WebSocket');
  await client.waitForFrames(1);

  const item = page.locator('.connection-item', { hasText: '/ws/echo' });
  await item.waitFor();
  await item.click();
  await page.getByTestId('frame-count').filter({ hasText: '2 frames' }).waitFor();
  // No runs on an echo socket: no run timeline, and the stream has its room.
  assert.equal(await page.locator('.timeline-panel').count(), 0);

  await page.getByRole('button', { name: 'Inject…' }).click();
  const drawer = page.getByTestId('inject-drawer');
  // No AG-UI events for a socket whose client would not understand them.
  assert.equal(await drawer.getByRole('tab', { name: 'Event' }).count(), 0);
  assert.equal(await drawer.getByRole('tab', { name: 'Macros' }).count(), 0);
  await drawer.getByRole('tab', { name: 'Frame' }).waitFor();
  const input = drawer.getByLabel('Frame to send');
  const send = drawer.getByRole('button', { name: 'Send frame' });

  await input.fill('hello from the console');
  assert.ok(await seenWhole(send), 'Send frame is in sight at 1280×720');
  await send.click();
  await client.waitUntil(() => client.texts.includes('hello from the console'));
  await drawer.getByRole('status').filter({ hasText: 'Sent 22 bytes' }).waitFor();
  await drawer.getByLabel('JSON').check();
  await input.fill('{"not": json');
  await drawer.getByText(/^Not JSON/).waitFor();
  assert.equal(await send.isDisabled(), true, 'what does not parse cannot be sent');
  await input.fill('{ "event": "update", "n": 1 }');
  await send.click();
  await client.waitUntil(() => client.texts.includes('{"event":"update","n":1}'));
  // Every frame both ways in the console's list, the ones it sent itself included (they are not AG-UI events).
  // (Counted in the connection's header: at 1280×720 the drawer has folded the list into its rail.)
  await page.locator('.connection-header').filter({ hasText: '↓3' }).waitFor();
  await page.getByTestId('frame-count').filter({ hasText: '4 frames' }).waitFor();
  await page.locator('.frame-row', { hasText: 'hello from the console' }).waitFor();

  for (const theme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
    assert.deepEqual(await sidewaysSpills(page), [], `${theme}: panels overflow sideways`);
    assert.ok(await seenWhole(send), `${theme}: Send frame is out of sight or covered`);
    assert.deepEqual(await seriousAxeViolations(page), [], theme);
    await screenshot(page, `raw-socket-1280x720-${theme}`);
  }
  assert.deepEqual(errors, []);
  await client.close();
});
