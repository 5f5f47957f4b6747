import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { selfSignedFiles } from '../src/server/tls/self-signed-certificate';
import { startTestEngine } from '../test/helpers/engine';
import { seriousAxeViolations } from './helpers/axe';
import { launchBrowser } from './helpers/browser';
import { openConsole, screenshot, waitUntilLive } from './helpers/console-page';

const configDir = mkdtempSync(join(tmpdir(), 'agui-console-tls-'));
after(() => rmSync(configDir, { recursive: true, force: true }));
const server = await startTestEngine({ settings: { tls: 'self-signed' }, workspaceOptions: { configDir } });
const certificate = new X509Certificate(readFileSync(selfSignedFiles(configDir).certFile));
/** Chromium trusts exactly this key (its SPKI's SHA-256): verification stays on for everything else. */
const spki = createHash('sha256')
  .update(certificate.publicKey.export({ type: 'spki', format: 'der' }))
  .digest('base64');
const browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${spki}`]);

test('over https the console loads, its live feed runs over wss, and the status bar shows HTTPS, WSS and the certificate', async () => {
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
    waitMs: 20_000,
  });
  await waitUntilLive(page);
  assert.match(server.url, /^https:/);
  assert.equal(await page.getByTestId('HTTP address').textContent(), server.url);
  assert.equal(await page.getByTestId('WebSocket address').textContent(), server.wsUrl);
  const bar = page.locator('.status-bar');
  const addresses = await bar.locator('.status-item.address').allTextContents();
  assert.deepEqual(addresses, [`HTTPS ${server.url}`, `WSS ${server.wsUrl}`]);
  const badge = page.getByTestId('tls-status');
  assert.equal(await badge.textContent(), 'TLS');
  const title = (await badge.getAttribute('title')) ?? '';
  assert.match(title, /Self-signed certificate/);
  assert.ok(title.includes(`SHA-256 ${certificate.fingerprint256}`), title);
  const overflow = await bar.evaluate((element) => element.scrollWidth - element.clientWidth);
  assert.ok(overflow <= 0, `the status bar overflows by ${overflow}px at 1280×720`);
  for (const theme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
    assert.deepEqual(await seriousAxeViolations(page), [], theme);
  }
  await screenshot(page, 'tls');
  // The terminal snippets hand curl and wscat the engine's certificate to verify it with.
  const certFile = selfSignedFiles(configDir).certFile;
  const empty = page.getByTestId('connections-empty');
  await empty.getByText(`npx wscat --ca '${certFile}' -c ${server.wsUrl}`).waitFor();
  await empty.getByText(`curl --cacert '${certFile}' ${server.url}/users/me`).waitFor();

  server.updateSettings({ tls: 'off' });
  await page.getByTestId('tls-status').filter({ hasText: 'TLS: restart to apply' }).waitFor();
  assert.deepEqual(errors, [], `no errors in the page (CSP included): ${errors.join('; ')}`);
});

test('a workspace opened with certificates this machine lacks: the TLS badge says a restart would fail, and why', async () => {
  const plain = await startTestEngine({ workspaceOptions: { configDir } });
  const { page, errors } = await openConsole(plain, browser, plain.consoleUrl, {
    viewport: { width: 1280, height: 720 },
  });
  await waitUntilLive(page);
  assert.equal(await page.getByTestId('tls-status').count(), 0, 'plain HTTP, nothing waiting: no badge');
  const colleague = join(configDir, 'colleague.agui.json');
  const tls = { cert: 'their-cert.pem', key: 'their-key.pem' };
  writeFileSync(colleague, JSON.stringify({ version: 2, name: 'colleague', settings: { tls } }));
  await plain.workspace.open(colleague);
  const failing = page.getByTestId('tls-status').filter({ hasText: 'TLS: files unusable' });
  await failing.waitFor();
  assert.match(
    (await failing.getAttribute('title')) ?? '',
    /the next start would refuse it: cannot read the TLS certificate .*their-cert\.pem: no such file/,
  );
  for (const theme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
    assert.deepEqual(await seriousAxeViolations(page), [], theme);
  }
  assert.deepEqual(errors, [], errors.join('; '));
});
