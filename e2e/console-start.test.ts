import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { test } from 'node:test';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';

test('the engine serves the console, which shows the engine addresses', async () => {
  const server = await startTestEngine();
  const browser = await launchBrowser();
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(server.consoleUrl);
  await page.getByRole('heading', { name: 'AG-UI Mock Console' }).waitFor();
  assert.equal(await page.getByTestId('HTTP address').textContent(), server.url);
  assert.equal(await page.getByTestId('WebSocket address').textContent(), server.wsUrl);
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/console-start.png' });
  assert.deepEqual(errors, [], `no errors in the page (CSP included): ${errors.join('; ')}`);
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
