import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Scenario } from '../src/shared/scenario';
import { AguiSocket, type ReceivedEvent } from '../test/helpers/agui-socket';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { openConsole, screenshot, waitUntilLive } from './helpers/console-page';

// Recording a connection from the console asks first, and changes no answer unless asked to.

const browser = await launchBrowser();
const LONG_WAIT_MS = 20_000;
const INSPECTION = 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854';

/** The text of the last run that arrived. */
function lastRunText(events: readonly ReceivedEvent[]): string {
  const start = events.findLastIndex((event) => event.type === 'RUN_STARTED');
  return events
    .slice(start)
    .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT')
    .map((event) => event.delta)
    .join('');
}

async function ask(client: AguiSocket, message: string, threadId: string): Promise<string> {
  const runs = client.events.filter((event) => event.type === 'RUN_FINISHED').length;
  client.ask(message, { threadId });
  await client.waitForRuns(runs + 1, LONG_WAIT_MS);
  return lastRunText(client.events);
}

async function recordFromConsole(page: Page, threadId: string) {
  await page.getByRole('tab', { name: /^Connections/ }).click();
  await page.locator('.connection-item', { hasText: threadId }).click();
  await page.getByRole('button', { name: 'Record as scenario…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Record as scenario' });
  await dialog.getByTestId('recording-summary').waitFor();
  return dialog;
}

test('record as scenario asks first; stored without activating, "Hallo" is answered as on a fresh engine', async () => {
  const fresh = await startTestEngine();
  const reference = await AguiSocket.open(fresh.wsUrl);
  const welcome = await ask(reference, 'Hallo', 'thread-fresh');
  await ask(reference, INSPECTION, 'thread-fresh');
  const afterInspection = await ask(reference, 'Hallo', 'thread-fresh');
  assert.notEqual(welcome, afterInspection);

  const server = await startTestEngine();
  const api = controlClient(server);
  const { page, errors } = await openConsole(server, browser);
  page.setDefaultTimeout(LONG_WAIT_MS);
  await waitUntilLive(page);
  const recorded = await AguiSocket.open(server.wsUrl);
  await ask(recorded, 'Hallo', 'thread-hallo');
  await ask(recorded, 'Hallo', 'thread-hallo');

  const dialog = await recordFromConsole(page, 'thread-hallo');
  const summary = (await dialog.getByTestId('recording-summary').textContent()) ?? '';
  assert.match(summary, /“Hallo”/);
  assert.match(summary, /\. The run after it is not part of it\.$/);
  // A cleared name shows the name the engine will give it.
  const suggested = await dialog.getByLabel('Name').inputValue();
  assert.notEqual(suggested, '');
  await dialog.getByLabel('Name').fill('');
  assert.equal(await dialog.getByLabel('Name').getAttribute('placeholder'), suggested);
  assert.equal(await dialog.getByLabel('Answer messages with it').isChecked(), false, 'not activated by default');
  await dialog.getByLabel('Name').fill('Begroeting, opgenomen');
  await screenshot(page, 'record-scenario');
  await dialog.getByRole('button', { name: 'Record', exact: true }).click();
  const editor = page.getByTestId('scenario-editor');
  await editor
    .locator('.panel-header')
    .getByText(/^recorded-/)
    .waitFor();
  const row = page.getByRole('table', { name: 'Scenarios' }).getByRole('row', { name: /Begroeting, opgenomen/ });
  await row.getByText('no triggers (run by hand)').waitFor();

  // Every answer is what a fresh engine gives, the context-dependent one included.
  const later = await AguiSocket.open(server.wsUrl);
  assert.equal(await ask(later, 'Hallo', 'thread-later'), welcome);
  await ask(later, INSPECTION, 'thread-later');
  assert.equal(await ask(later, 'Hallo', 'thread-later'), afterInspection);

  // Activated, with a trigger of its own: the recording answers that trigger, and sets the context its run set.
  const inspected = await AguiSocket.open(server.wsUrl);
  await ask(inspected, INSPECTION, 'thread-inspected');
  const second = await recordFromConsole(page, 'thread-inspected');
  assert.match(
    (await second.getByTestId('recording-summary').textContent()) ?? '',
    /setting the conversation context once/,
  );
  await second.getByLabel('Answer messages with it').check();
  await second.getByLabel('Trigger text').fill('replay the inspection');
  await second.getByRole('button', { name: 'Record and activate' }).click();
  await page
    .getByRole('table', { name: 'Scenarios' })
    .getByRole('row', { name: /replay the inspection/ })
    .waitFor();
  const scenarios = (await api.get<{ items: Scenario[] }>('/scenarios')).body.items;
  const active = scenarios.find((scenario) => scenario.triggers.length > 0 && scenario.id.startsWith('recorded-'));
  assert.deepEqual(active?.triggers, [{ match: 'substring', value: 'replay the inspection', priority: 10 }]);

  const replay = await AguiSocket.open(server.wsUrl);
  assert.equal(await ask(replay, 'Hallo', 'thread-replay'), welcome, 'other messages keep their answer');
  assert.equal(await ask(replay, 'please replay the inspection', 'thread-replay'), lastRunText(inspected.events));
  assert.equal(await ask(replay, 'Hallo', 'thread-replay'), afterInspection, 'the recording set the context');

  // Esc closes the dialog and records nothing.
  const count = (await api.get<{ total: number }>('/scenarios')).body.total;
  const third = await recordFromConsole(page, 'thread-inspected');
  await page.keyboard.press('Escape');
  await third.waitFor({ state: 'detached' });
  // …and gives the focus back to the button that opened it.
  await page.getByRole('button', { name: 'Record as scenario…' }).and(page.locator(':focus')).waitFor();
  assert.equal((await api.get<{ total: number }>('/scenarios')).body.total, count);
  assert.deepEqual(errors, []);
});

test('activating a recording, the dialog says whether it would answer its message where it was recorded', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const echo = {
    id: 'echo-user',
    name: 'Echo the user',
    triggers: [{ match: 'substring', value: 'hi', priority: 10 }],
    steps: [{ type: 'text', chunks: ['You said: {{lastUserMessage}}'], spoken: false }],
  };
  assert.equal((await api.post('/scenarios', echo)).status, 201);
  const listed = { id: 'listed', path: '/listed', scenarios: ['echo-user'] };
  assert.equal((await api.post('/agents', listed)).status, 201);
  const { page, errors } = await openConsole(server, browser);
  page.setDefaultTimeout(LONG_WAIT_MS);
  await waitUntilLive(page);

  // On /ws, which plays every scenario, echo-user answers "hi there" at priority 10: the suggestion goes above it.
  await ask(await AguiSocket.open(server.wsUrl), 'hi there', 'thread-echo');
  const dialog = await recordFromConsole(page, 'thread-echo');
  await dialog.getByLabel('Answer messages with it').check();
  assert.equal(await dialog.getByLabel('Priority').inputValue(), '11');
  const warning = dialog.locator('.notice.warning');
  assert.equal(await warning.count(), 0);
  await dialog.getByLabel('Priority').fill('10');
  await warning
    .filter({ hasText: '“hi there” is answered now by scenario echo-user, priority 10: give a higher priority' })
    .waitFor();
  await dialog.getByLabel('Priority').fill('11');
  await warning.waitFor({ state: 'detached' });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });

  // On an agent that lists its scenarios, no priority helps: the dialog says what does.
  const answer = await fetch(`${server.url}/listed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      threadId: 'thread-listed',
      runId: 'r1',
      messages: [{ id: 'm1', role: 'user', content: 'hi' }],
    }),
  });
  assert.equal(answer.status, 200);
  await answer.text();
  const onListed = await recordFromConsole(page, 'thread-listed');
  await onListed.getByLabel('Answer messages with it').check();
  await onListed
    .locator('.notice.warning')
    .filter({ hasText: "the agent 'listed' this connection came in through plays only the scenarios it lists" })
    .waitFor();
  assert.deepEqual(errors, []);
});
