import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { _electron } from 'playwright-core';
import WebSocket from 'ws';
import { electronBinary, testLaunchArgs, whyElectronCannotRun } from './helpers/electron';

const MAIN = 'out/main/index.js';

test('the desktop app starts its engine, shows the console, and lists a WebSocket client', async (t) => {
  const binary = electronBinary();
  const blocker = whyElectronCannotRun(binary);
  if (blocker || !binary.found) {
    t.skip(blocker);
    return;
  }
  assert.ok(existsSync(MAIN), `${MAIN} is missing: build first (npm test does)`);
  const userData = mkdtempSync(join(tmpdir(), 'agui-electron-e2e-'));
  after(() => rmSync(userData, { recursive: true, force: true }));

  const app = await _electron.launch({ executablePath: binary.path, args: testLaunchArgs(MAIN, userData) });
  after(() => app.close().catch(() => {}));
  const page = await app.firstWindow();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.getByRole('heading', { name: 'AG-UI Mock Console' }).waitFor();

  // The window shows the console from the engine's own origin, sandboxed, with only window.desktop exposed.
  assert.match(page.url(), /^http:\/\/127\.0\.0\.1:\d+\/__console\//);
  const origin = new URL(page.url()).origin;
  const exposed = await page.evaluate(() => {
    const page = globalThis as Record<string, unknown>;
    return {
      desktop: Object.keys(page.desktop ?? {}),
      require: typeof page.require,
      process: typeof page.process,
    };
  });
  assert.deepEqual(exposed, { desktop: ['consoleConnection'], require: 'undefined', process: 'undefined' });

  const health = await fetch(`${origin}/health`);
  assert.equal(health.status, 200);
  assert.equal(((await health.json()) as { status: string }).status, 'healthy');

  const client = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws`);
  await new Promise((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
  await page.getByRole('listbox', { name: 'Connections' }).getByRole('option').first().waitFor();

  // Quitting the app closes the engine first: the client is told 1001 (going away), not dropped.
  await app.close();
  assert.equal(await closed, 1001);
  assert.ok(existsSync(join(userData, 'window-state.json')), 'the window remembered its place');
  assert.deepEqual(errors, []);
});
