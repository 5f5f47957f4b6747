import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { seriousAxeViolations } from './helpers/axe';
import { launchBrowser } from './helpers/browser';
import { consoleForFile, openConsole, screenshot, waitUntilLive } from './helpers/console-page';

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();
/**
 * The default world for the two tests that run prompts over HTTP in Try it and read only their own transcript (it is
 * not kept across a load): no connection to count, nothing stored that the other reads. Loaded afresh for each.
 */
const shared = await startTestEngine();
const openSharedConsole = await consoleForFile(shared, browser);

test('Try it: the inspection flow over WebSocket, then a report approved by hand', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Try it' }).click();
  // Not connected until the first prompt is sent.
  await page
    .getByTestId('try-it-status')
    .filter({ hasText: /^disconnected$/ })
    .waitFor();

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
  // The buttons gave way to the answer: the focus is on the card that says it, not on the page.
  await approval.and(page.locator(':focus')).waitFor();
  await transcript.getByTestId('run-marker').filter({ hasText: 'Run finished' }).nth(1).waitFor();
  await transcript
    .getByTestId('tool-call')
    .filter({ hasText: /rapport/i })
    .last()
    .waitFor();
  await screenshot(page, 'try-it');
  // Clear is off once the conversation is empty: the focus goes to the prompt.
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByLabel('Prompt').and(page.locator(':focus')).waitFor();

  // The built-in client is a real connection: it is listed with its frames both ways.
  await page.getByRole('tab', { name: /^Connections/ }).click();
  await page.locator('.connection-item').filter({ hasText: 'open' }).first().waitFor();
  assert.deepEqual(errors, []);
});

test('Try it connects only when asked: looking at it leaves no connection; the first prompt, or Connect, opens one', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const sockets = async () =>
    (await api.get<{ items: { state: string; threadId: string | null }[] }>('/connections')).body.items;
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  const before = (await sockets()).length;
  // Every socket the page creates from now on (the console's own feed socket is already open).
  const created: string[] = [];
  page.on('websocket', (socket) => created.push(socket.url()));
  await page.getByRole('tab', { name: 'Try it' }).click();
  const status = page.getByTestId('try-it-status');
  await status.filter({ hasText: /^disconnected$/ }).waitFor();
  // Looked at, left and looked at again.
  await page.getByRole('tab', { name: /^Connections/ }).click();
  await page.getByRole('tab', { name: 'Try it' }).click();
  await status.filter({ hasText: /^disconnected$/ }).waitFor();
  // Two frames painted after that: the view's effects have run, and a socket one opened is reported by now
  // (the browser tells of a socket as it is created, before it answers this).
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
  assert.deepEqual(created, [], 'no socket from looking at Try it');
  assert.equal((await sockets()).length, before, 'no connection from looking at Try it');
  assert.equal(await status.textContent(), 'disconnected');
  await page.getByText('connects on send').waitFor();

  // The first prompt connects, then sends: one connection, on the thread Try it names.
  const send = page.getByRole('button', { name: 'Send prompt' });
  assert.equal(await send.isEnabled(), true, 'a prompt can be sent before connecting');
  await page.getByLabel('Prompt').fill('hallo');
  await send.click();
  await page.getByTestId('run-marker').filter({ hasText: 'Run finished' }).waitFor();
  await status.filter({ hasText: /^connected$/ }).waitFor();
  const opened = await sockets();
  assert.equal(opened.length, before + 1);
  assert.equal(created.length, 1, 'the socket Try it opened was seen being created (the check above could fail)');
  assert.match(opened[0]?.threadId ?? '', /^console-/);

  // Disconnect, then Connect by hand: a new connection, open, with nothing sent on it yet.
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await status.filter({ hasText: /^disconnected$/ }).waitFor();
  await page.getByRole('button', { name: 'Connect' }).click();
  await status.filter({ hasText: /^connected$/ }).waitFor();
  // The focus stayed on the button pressed, through connecting, now Disconnect.
  await page.getByRole('button', { name: 'Disconnect' }).and(page.locator(':focus')).waitFor();
  const after = await sockets();
  assert.equal(after.length, before + 2);
  assert.equal(after.filter((socket) => socket.state === 'open').length, 1);
  assert.deepEqual(errors, []);
});

test('Try it over HTTP: POST /agent streams the reply as Server-Sent Events, or the console says the engine lacks it', async () => {
  const probe = await fetch(`${shared.url}/agent`, { method: 'POST', headers: { accept: 'text/event-stream' } });
  await probe.body?.cancel();
  const served = probe.status !== 404 && probe.status !== 405;
  const { page, errors } = await openSharedConsole();
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

/** Asks how many, checks the answer against its schema, and says what it got. */
const ORDER = {
  id: 'order',
  name: 'order',
  triggers: [{ match: 'lastMessage', substring: 'order', priority: 60 }],
  steps: [
    {
      type: 'interrupt',
      id: 'ask',
      reason: 'confirmation',
      message: 'How many?',
      responseSchema: {
        type: 'object',
        properties: { quantity: { type: 'integer', minimum: 1 }, note: { type: 'string', default: 'none' } },
        required: ['quantity'],
        additionalProperties: false,
      },
      resolved: [{ type: 'text', chunks: ['Ordered {{steps.ask.payload.quantity}} ({{steps.ask.payload.note}}).'] }],
      cancelled: [{ type: 'text', chunks: ['Not ordered.'] }],
    },
  ],
};

test('Try it: an interrupt is answered with a payload its responseSchema takes, over HTTP and on a socket', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  assert.equal((await api.put('/scenarios/order', ORDER)).status, 201);
  assert.equal((await api.post('/agents', { id: 'shop', path: '/shop', scenarios: ['order'] })).status, 201);
  const socket = { id: 'shop-ws', path: '/shop-ws', behaviour: { type: 'agui', scenarios: ['order'] } };
  assert.equal((await api.post('/sockets', socket)).status, 201);
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Try it' }).click();
  const picker = page.getByLabel('Endpoint');
  const pick = async (label: string) =>
    picker.selectOption((await picker.locator('option', { hasText: label }).getAttribute('value')) ?? '');
  const transcript = page.getByTestId('transcript');

  await pick('HTTP POST /shop');
  await page.getByLabel('Prompt').fill('order tea');
  await page.getByRole('button', { name: 'Send prompt' }).click();
  const card = transcript.getByTestId('interrupt-request');
  await card.waitFor();
  assert.match((await card.textContent()) ?? '', /confirmation.*How many\?/);
  // Drafted from the schema: what the person edits.
  const answer = card.getByLabel('Answer (JSON)');
  assert.deepEqual(JSON.parse(await answer.inputValue()), { quantity: 1, note: 'none' });
  for (const theme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
    assert.deepEqual(await seriousAxeViolations(page), [], theme);
  }
  await screenshot(page, 'try-it-interrupt');

  await answer.fill('{"quantity": 3');
  await card.getByRole('button', { name: 'Resume' }).click();
  await card.getByText(/^Not JSON: /).waitFor();
  // The engine refuses what the schema does not take, and says where; the run stays paused.
  await answer.fill('{"quantity": "three"}');
  await card.getByRole('button', { name: 'Resume' }).click();
  await page.getByText(/answered 422: resume\[0\]\.payload\.quantity: Input should be a valid integer/).waitFor();
  assert.equal(await card.getByText('Answered').count(), 0);
  await answer.fill('{"quantity": 3}');
  await card.getByRole('button', { name: 'Resume' }).click();
  await card.getByText('Answered').waitFor();
  await card.and(page.locator(':focus')).waitFor();
  await transcript.getByTestId('assistant-message').filter({ hasText: 'Ordered 3 (none).' }).waitFor();

  // On a socket the resume is a RunAgentInput on it; cancelling plays the cancelled branch.
  await pick('WebSocket /shop-ws');
  await page
    .getByTestId('try-it-status')
    .filter({ hasText: /^disconnected$/ })
    .waitFor();
  await page.getByLabel('Prompt').fill('order soup');
  await page.getByRole('button', { name: 'Send prompt' }).click();
  const second = transcript.getByTestId('interrupt-request').nth(1);
  await second.waitFor();
  await second.getByRole('button', { name: 'Cancel interrupt' }).click();
  await second.getByText('Cancelled').waitFor();
  await second.and(page.locator(':focus')).waitFor();
  await transcript.getByTestId('assistant-message').filter({ hasText: 'Not ordered.' }).waitFor();
  assert.deepEqual(errors, []);
});

test('Try it at 1280×720: each endpoint reads whole in the picker; Send prompt keeps the focus while the reply streams', async () => {
  const { page, errors } = await openSharedConsole({ width: 1280, height: 720 });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Try it' }).click();
  const picker = page.getByLabel('Endpoint');
  const choices = await picker
    .locator('option')
    .evaluateAll((options) => options.map((option) => option.getAttribute('value') ?? ''));
  assert.ok(choices.length >= 2, choices.join(', '));
  for (const choice of choices) {
    await picker.selectOption(choice);
    // The width the option picked needs, from a copy of the picker sized to its content.
    const { needed, shown, text } = await picker.evaluate((select) => {
      const copy = select.cloneNode(true) as typeof select;
      // A copy starts on its first option: it shows the one picked.
      Object.assign(copy, { value: (select as unknown as { value: string }).value });
      Object.assign(copy.style, { fieldSizing: 'content', width: 'auto', maxWidth: 'none', minWidth: '0' });
      copy.style.setProperty('position', 'absolute');
      copy.style.setProperty('visibility', 'hidden');
      select.after(copy);
      const width = copy.getBoundingClientRect().width;
      copy.remove();
      const text = select.querySelector('option:checked')?.textContent;
      return { needed: width, shown: select.getBoundingClientRect().width, text };
    });
    assert.ok(needed <= shown + 0.5, `"${text}" needs ${needed}px, the picker shows ${shown}px`);
  }
  await picker.selectOption(
    (await picker.locator('option', { hasText: 'HTTP POST /agent' }).getAttribute('value')) ?? '',
  );
  // How the reply comes back is said under the picker, and read with it.
  const hint = await picker.evaluate(
    (select) => select.ownerDocument.getElementById(select.getAttribute('aria-describedby') ?? '')?.textContent ?? '',
  );
  assert.match(hint, /streams back as Server-Sent Events/);

  // Enter on Send prompt: the button is off while the reply streams, yet the focus stays on it.
  const send = page.getByRole('button', { name: 'Send prompt' });
  await page.getByLabel('Prompt').fill('Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854');
  await send.focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('run-marker').filter({ hasText: 'Run finished' }).waitFor();
  await send.and(page.locator(':focus')).waitFor();
  await page.keyboard.press('Shift+Tab');
  await page.locator('.try-it form :focus').waitFor();
  assert.deepEqual(errors, []);
});
