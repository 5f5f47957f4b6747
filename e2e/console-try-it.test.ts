import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { openConsole, screenshot, waitUntilLive } from './helpers/console-page';

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();

test('Try it: the inspection flow over WebSocket, then a report approved by hand', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Try it' }).click();
  await page.getByTestId('try-it-status').filter({ hasText: 'connected' }).waitFor();

  await page.getByLabel('Prompt').fill('Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854');
  await page.getByRole('button', { name: 'Send prompt' }).click();
  const transcript = page.getByTestId('transcript');
  await transcript.getByTestId('run-marker').filter({ hasText: 'Run finished' }).waitFor();
  await transcript.getByTestId('tool-call').filter({ hasText: 'get_company_info' }).waitFor();
  // A long result (the inspection history) is cut where it says so, and shown whole on hover.
  const history = transcript.getByTestId('tool-call').filter({ hasText: 'get_inspection_history' });
  const result = history.locator('.faint', { hasText: '→' });
  const whole = (await result.getAttribute('title')) ?? '';
  assert.ok(whole.length > 300 && JSON.parse(whole).total_inspections === 2, whole);
  assert.match((await result.textContent()) ?? '', /…$/);
  // The agent's markdown is rendered, not shown raw.
  const started = transcript.getByTestId('assistant-message').filter({ hasText: 'Inspectie gestart voor' });
  await started.locator('strong', { hasText: 'Restaurant Bella Rosa' }).waitFor();
  assert.doesNotMatch((await started.textContent()) ?? '', /\*\*/);
  assert.match((await transcript.textContent()) ?? '', /1 openstaande overtreding/);

  await page.getByLabel('Prompt').fill('Genereer rapport');
  await page.keyboard.press('ControlOrMeta+Enter');
  const approval = transcript.getByTestId('approval-request');
  await approval.waitFor();
  assert.match((await approval.textContent()) ?? '', /generate_inspection_report/);
  await screenshot(page, 'try-it-approval');
  await approval.getByRole('button', { name: 'Approve' }).click();
  await approval.getByText('Approved').waitFor();
  await transcript.getByTestId('run-marker').filter({ hasText: 'Run finished' }).nth(1).waitFor();
  await transcript
    .getByTestId('tool-call')
    .filter({ hasText: /rapport/i })
    .last()
    .waitFor();
  await screenshot(page, 'try-it');

  // The built-in client is a real connection: it is listed with its frames both ways.
  await page.getByRole('tab', { name: /^Connections/ }).click();
  await page.locator('.connection-item').filter({ hasText: 'open' }).first().waitFor();
  assert.deepEqual(errors, []);
});

test('Try it over HTTP: POST /agent streams the reply as Server-Sent Events, or the console says the engine lacks it', async () => {
  const server = await startTestEngine();
  const probe = await fetch(`${server.url}/agent`, { method: 'POST', headers: { accept: 'text/event-stream' } });
  await probe.body?.cancel();
  const served = probe.status !== 404 && probe.status !== 405;
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Try it' }).click();
  const picker = page.getByLabel('Endpoint');
  await picker.selectOption(
    (await picker.locator('option', { hasText: 'HTTP POST /agent' }).getAttribute('value')) ?? '',
  );
  await page.getByLabel('Prompt').fill('Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854');
  await page.getByRole('button', { name: 'Send prompt' }).click();
  if (served) {
    await page.getByTestId('run-marker').filter({ hasText: 'Run finished' }).waitFor();
    await page.getByTestId('tool-call').filter({ hasText: 'get_company_info' }).waitFor();
    // Over HTTP the approval is an AG-UI 1.0 interrupt; answering it resumes the run in a new request.
    await page.getByLabel('Prompt').fill('Genereer rapport');
    await page.getByRole('button', { name: 'Send prompt' }).click();
    await page.getByTestId('run-marker').filter({ hasText: 'Run paused for an answer' }).waitFor();
    const approval = page.getByTestId('approval-request');
    assert.match((await approval.textContent()) ?? '', /generate_inspection_report/);
    await approval.getByRole('button', { name: 'Approve' }).click();
    await approval.getByText('Approved').waitFor();
    await page.getByTestId('run-marker').filter({ hasText: 'Run finished' }).nth(1).waitFor();
    await page.getByTestId('tool-call').filter({ hasText: 'generate_inspection_report' }).waitFor();
    await screenshot(page, 'try-it-http');
  } else {
    await page.getByText('This engine does not serve POST /agent yet').first().waitFor();
    assert.equal(await page.getByRole('button', { name: 'Send prompt' }).isDisabled(), true);
  }
  assert.deepEqual(errors, []);
});
