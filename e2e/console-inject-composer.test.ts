import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { AguiSocket } from '../test/helpers/agui-socket';
import { startTestEngine } from '../test/helpers/engine';
import { RawSocket } from '../test/helpers/raw-socket';
import { seriousAxeViolations } from './helpers/axe';
import { launchBrowser } from './helpers/browser';
import { consoleForFile, fillEditor, openConsole, screenshot, seenWhole, waitUntilLive } from './helpers/console-page';

// The inject drawer on a laptop screen, by keyboard: the editor stays usable under what a refused send says, every
// macro's Run is in sight, Ctrl+Enter sends in every tab, the focus stays put, and the drawer outlives a view switch.

const browser = await launchBrowser();
const waitMs = 20_000;
const viewport = { width: 1280, height: 720 };
/**
 * The console on the default world, for the tests that each inject on a connection of their own (their own thread)
 * and look at no other: loaded afresh for each. Those that count the connections, list the open ones, listen to the
 * page themselves or need another world start their own engine.
 */
const shared = await startTestEngine();
const openSharedConsole = await consoleForFile(shared, browser, { viewport, waitMs });

/** The pixel rows of the element a person sees: in the window, scrolled into its boxes, nothing drawn over them. */
function visibleHeight(locator: Locator): Promise<number> {
  return locator.evaluate((element) => {
    const r = element.getBoundingClientRect();
    const x = r.left + Math.min(60, r.width / 2);
    let rows = 0;
    for (let y = Math.ceil(r.top); y < r.bottom; y += 1)
      if (element.contains(element.ownerDocument.elementFromPoint(x, y))) rows += 1;
    return rows;
  });
}

/** Whether the text caret of the focused editor is where the person sees it (not under something drawn over it). */
function caretInSight(page: Page): Promise<boolean> {
  return page.locator('body').evaluate((body) => {
    const doc = body.ownerDocument;
    const selection = doc.getSelection();
    if (!selection || selection.rangeCount === 0) return false;
    const range = selection.getRangeAt(0).cloneRange();
    const rect = range.getClientRects()[0] ?? range.getBoundingClientRect();
    const editor = doc.querySelector('.cm-editor.cm-focused');
    const hit = doc.elementFromPoint(rect.left + 1, rect.top + rect.height / 2);
    return !!editor && editor.contains(hit);
  });
}

/** A client on its own thread whose run has finished: the event template (TEXT_MESSAGE_START) breaks rule R3. */
async function finishedClient(url: string, threadId: string): Promise<AguiSocket> {
  const client = await AguiSocket.open(url);
  client.ask('Hallo', { threadId });
  await client.waitForRuns(1, waitMs);
  return client;
}

async function openInject(page: Page, threadId: string): Promise<Locator> {
  await page.locator('.connection-item', { hasText: threadId }).click();
  await page.getByRole('button', { name: 'Inject…' }).click();
  const drawer = page.getByTestId('inject-drawer');
  await drawer.waitFor();
  return drawer;
}

test('event tab at 1280×720: after a refused send the editor keeps its lines, the caret in sight, Send beside', async () => {
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  await finishedClient(shared.wsUrl, 'thread-fit');
  const drawer = await openInject(page, 'thread-fit');
  const composer = drawer.getByTestId('event-composer');
  const content = composer.locator('.cm-content');
  await content.filter({ hasText: 'TEXT_MESSAGE_START' }).waitFor();
  await composer.getByText('Sending this would break a sequence rule').waitFor();

  // In the message's id: what is typed below keeps the event valid, so the rule warning (and Send anyway) stays.
  const { messageId } = JSON.parse(await content.innerText()) as { messageId: string };
  await content.getByText(`"${messageId}"`).click();
  await page.keyboard.press('ControlOrMeta+Enter');
  const refused = composer.getByRole('alert').filter({ hasText: 'Not sent' });
  await refused.waitFor();
  const assertUsable = async (where: string) => {
    const seen = await visibleHeight(composer.locator('.cm-editor'));
    // Six lines of 12.5 px code at the least: enough to see what one types and around it.
    assert.ok(seen >= 100, `${where}: ${seen}px of the editor in sight`);
    assert.ok(await caretInSight(page), `${where}: the caret is out of sight or covered`);
    assert.ok(await seenWhole(composer.getByRole('button', { name: 'Send', exact: true })), `${where}: Send`);
    assert.ok(await seenWhole(composer.getByRole('button', { name: 'Send anyway' })), `${where}: Send anyway`);
  };
  for (const theme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
    await assertUsable(`${theme}, refused`);
    // What was refused is said first, in sight, with the rule it would break under it.
    assert.ok(await seenWhole(refused.locator('.error-text')), `${theme}: the refusal is out of sight`);
    await screenshot(page, `inject-refused-1280x720-${theme}`);
  }
  await page.keyboard.type('XYZ');
  await content.filter({ hasText: 'XYZ' }).waitFor();
  await assertUsable('typing after the refusal');
  assert.deepEqual(errors, []);
});

test('event tab at 1280×720: a send made while a rule warning shows says so in sight, where a refusal is said', async () => {
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  const client = await finishedClient(shared.wsUrl, 'thread-outcome');
  const drawer = await openInject(page, 'thread-outcome');
  const composer = drawer.getByTestId('event-composer');
  const warning = composer.getByTestId('findings');
  await warning.filter({ hasText: 'R3' }).waitFor();
  const before = client.events.length;
  await composer.getByRole('button', { name: 'Send anyway' }).click();
  await client.waitFor((event) => event.type === 'TEXT_MESSAGE_START', before, waitMs);
  const sent = composer.getByRole('status').filter({ hasText: 'Sent 1 event anyway, breaking R3.' });
  await sent.waitFor();
  // The same text is checked again after the send (it cleared the warning): the warning is back.
  await warning.waitFor();
  assert.ok(await seenWhole(sent), 'the "Sent" notice is out of sight under the warning');
  const top = async (locator: Locator) => (await locator.boundingBox())?.y ?? Number.NaN;
  assert.ok((await top(sent)) < (await top(warning)), 'the outcome comes above the warning, as a refusal does');
  assert.deepEqual(errors, []);
});

test('paused delivery at 1280×720: a send says it is held until delivery resumes, and the stream ends with it', async () => {
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  const client = await finishedClient(shared.wsUrl, 'thread-held');
  const drawer = await openInject(page, 'thread-held');
  await drawer.getByRole('tab', { name: 'Socket' }).click();
  await drawer.getByRole('button', { name: 'Pause delivery' }).click();
  await drawer.getByRole('button', { name: 'Resume delivery' }).waitFor();
  await drawer.getByRole('tab', { name: 'Event' }).click();
  const composer = drawer.getByTestId('event-composer');
  await composer.getByLabel('Event type').selectOption('RUN_STARTED');
  await composer.locator('.cm-content').filter({ hasText: 'RUN_STARTED' }).waitFor();
  const before = client.events.length;
  const sentAt = Date.now();
  await composer.getByRole('button', { name: 'Send', exact: true }).click();
  const held = composer.getByRole('status').filter({ hasText: 'Sent 1 event. Held until delivery resumes' });
  await held.waitFor();
  const heldRow = page.getByTestId('frames-held');
  await heldRow.filter({ hasText: '1 frame held: delivery is paused' }).waitFor();
  for (const theme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
    assert.ok(await seenWhole(held), `${theme}: the held notice is out of sight`);
    assert.ok(await seenWhole(heldRow), `${theme}: the held row is out of sight`);
    assert.deepEqual(await seriousAxeViolations(page), [], theme);
    await screenshot(page, `inject-held-1280x720-${theme}`);
  }
  assert.equal(client.events.length, before, 'held: the client has not got it');

  await drawer.getByRole('tab', { name: 'Socket' }).click();
  await drawer.getByRole('button', { name: 'Resume delivery' }).click();
  const started = await client.waitFor((event) => event.type === 'RUN_STARTED', before, waitMs);
  // Stamped as it was sent, not when its template was filled.
  assert.ok((started.timestamp ?? 0) >= sentAt, `stamped ${started.timestamp}, sent at ${sentAt}`);
  await heldRow.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
});

test('macros at 1280×720: every macro runs from a button in sight, and what the run did is seen whole', async () => {
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  const client = await finishedClient(shared.wsUrl, 'thread-macros');
  const drawer = await openInject(page, 'thread-macros');
  await drawer.getByRole('tab', { name: 'Macros' }).click();
  const picker = drawer.getByLabel('Macro', { exact: true });
  const names = await picker
    .locator('option')
    .evaluateAll((options) => options.map((option) => option.getAttribute('value') ?? ''));
  assert.ok(names.length >= 5, names.join(', '));
  for (const name of names) {
    await picker.selectOption(name);
    const run = drawer.getByTestId(`macro-${name}`).getByRole('button', { name: 'Run macro' });
    assert.ok(await seenWhole(run), `${name}: Run macro is out of sight or covered`);
  }

  await picker.selectOption('tool-call');
  const macro = drawer.getByTestId('macro-tool-call');
  const before = client.events.length;
  await macro.getByRole('button', { name: 'Run macro' }).click();
  const sent = macro.getByRole('status').filter({ hasText: /Sent \d+ events/ });
  await sent.waitFor();
  await client.waitFor((event) => event.type === 'TOOL_CALL_RESULT', before, waitMs);
  assert.ok(await seenWhole(sent), 'the "Sent" line is cut off');
  assert.ok(await seenWhole(macro.getByRole('button', { name: 'Run macro' })), 'Run macro after the run');
  await screenshot(page, 'inject-macro-sent-1280x720');
  assert.deepEqual(errors, []);
});

test('keyboard: Run macro keeps the focus while it runs and after; Ctrl+Enter in a macro field runs it', async () => {
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  const client = await finishedClient(shared.wsUrl, 'thread-keys');
  const drawer = await openInject(page, 'thread-keys');
  await drawer.getByRole('tab', { name: 'Macros' }).click();
  const macro = drawer.getByTestId('macro-text-message');
  const focused = page.locator(':focus');

  // Enter on Run macro: the button is off while the macro streams; the focus stays in the drawer all along.
  await macro.getByLabel('Text').fill('By keyboard');
  await macro.getByLabel('Delay between chunks (ms)').fill('20');
  const run = macro.getByRole('button', { name: 'Run macro' });
  await run.focus();
  let before = client.events.length;
  await page.keyboard.press('Enter');
  await client.waitFor((event) => event.type === 'TEXT_MESSAGE_START', before, waitMs);
  assert.equal(await drawer.locator(':focus').count(), 1, 'the focus left the drawer while the macro ran');
  await macro
    .getByRole('status')
    .filter({ hasText: /Sent \d+ events/ })
    .waitFor();
  await run.and(focused).waitFor();
  // From there the keyboard goes on in the drawer, not from the top of the page: through what the run said (a box
  // that scrolls when long, so it takes the focus), then the form's fields.
  await page.keyboard.press('Shift+Tab');
  await macro.getByRole('region', { name: 'What the run said' }).and(focused).waitFor();
  await page.keyboard.press('Shift+Tab');
  await macro.getByLabel('Delay between chunks (ms)').and(focused).waitFor();

  // Ctrl+Enter in a field of the form runs it, as in the event editor.
  await macro.getByLabel('Text').fill('Sent with Ctrl+Enter');
  await macro.getByLabel('Delay between chunks (ms)').fill('0');
  before = client.events.length;
  await macro.getByLabel('Text').press('ControlOrMeta+Enter');
  await client.waitFor((event) => event.type === 'TEXT_MESSAGE_END', before, waitMs);
  assert.match(
    client.events
      .slice(before)
      .map((event) => event.delta ?? '')
      .join(''),
    /Sent with Ctrl\+Enter/,
  );
  await macro.getByLabel('Text').and(focused).waitFor();
  assert.deepEqual(errors, []);
});

test('keyboard: Ctrl+Enter sends the raw frame typed in the Frame tab', async () => {
  const server = await startTestEngine({ template: 'fastapi-tutorial' });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  const client = await RawSocket.open(`${server.url.replace('http', 'ws')}/ws/echo`);
  client.send('Hello');
  await client.waitForFrames(1);
  await page.locator('.connection-item', { hasText: '/ws/echo' }).click();
  await page.getByRole('button', { name: 'Inject…' }).click();
  const drawer = page.getByTestId('inject-drawer');
  const input = drawer.getByLabel('Frame to send');
  await input.fill('sent with ctrl enter');
  await input.press('ControlOrMeta+Enter');
  await client.waitUntil(() => client.texts.includes('sent with ctrl enter'));
  await drawer.getByRole('status').filter({ hasText: 'Sent 20 bytes' }).waitFor();
  await input.and(page.locator(':focus')).waitFor();
  assert.deepEqual(errors, []);
  await client.close();
});

test('a refused send is about the text sent: it goes once the draft changes; one event is "Fix it"', async () => {
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  await finishedClient(shared.wsUrl, 'thread-stale');
  const drawer = await openInject(page, 'thread-stale');
  const composer = drawer.getByTestId('event-composer');
  const content = composer.locator('.cm-content');
  await content.filter({ hasText: 'TEXT_MESSAGE_START' }).waitFor();
  await content.click();
  await page.keyboard.press('ControlOrMeta+Enter');
  const refused = composer.getByRole('alert').filter({ hasText: 'Not sent' });
  await refused.waitFor();
  assert.equal(
    await refused.locator('.error-text').textContent(),
    'Not sent: An event would break rule R3; nothing was sent. Fix it, or use Send anyway.',
  );

  await fillEditor(page, content, '{"type": "RUN_STARTED", "threadId": ');
  await composer.getByTestId('save-blocked').filter({ hasText: 'Cannot send yet: Not JSON' }).waitFor();
  await refused.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
});

test('a refused send goes once the connection closes: the reason it is closed shows, not "use Send anyway"', async () => {
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  const client = await finishedClient(shared.wsUrl, 'thread-refused-closing');
  const drawer = await openInject(page, 'thread-refused-closing');
  const composer = drawer.getByTestId('event-composer');
  const content = composer.locator('.cm-content');
  await content.filter({ hasText: 'TEXT_MESSAGE_START' }).waitFor();
  await content.click();
  await page.keyboard.press('ControlOrMeta+Enter');
  const refused = composer.getByRole('alert').filter({ hasText: 'Not sent' });
  await refused.filter({ hasText: 'use Send anyway' }).waitFor();

  await client.close();
  await drawer.getByText('connection closed').waitFor();
  await refused.waitFor({ state: 'detached' });
  await composer.getByText('No sequence rule is checked: this connection is closed.').waitFor();
  await composer.getByText('Cannot send yet: this connection is closed (pick open ones in Send to)').waitFor();
  assert.equal(await composer.getByText(/Send anyway/).count(), 0, 'Send anyway is still offered');
  assert.deepEqual(await seriousAxeViolations(page), []);
  assert.deepEqual(errors, []);
});

test('the drawer and its tab come back as left after another view; another connection starts without it', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  await waitUntilLive(page);
  await finishedClient(server.wsUrl, 'thread-kept');
  await finishedClient(server.wsUrl, 'thread-other');
  let drawer = await openInject(page, 'thread-kept');
  await drawer.getByRole('tab', { name: 'Macros' }).click();
  await drawer.getByTestId('macro-text-message').getByLabel('Text').fill('Typed before Routes');

  const connectionsTab = page.getByRole('tab', { name: /^Connections/ });
  await page.getByRole('tab', { name: 'Routes' }).click();
  await drawer.waitFor({ state: 'detached' });
  await connectionsTab.click();
  drawer = page.getByTestId('inject-drawer');
  await drawer.waitFor();
  await drawer.getByRole('tab', { name: 'Macros', selected: true }).waitFor();
  assert.equal(await drawer.getByTestId('macro-text-message').getByLabel('Text').inputValue(), 'Typed before Routes');
  await page.getByRole('button', { name: 'Hide inject' }).waitFor();
  // Shown again, not opened: the focus stays on the view's tab, where the person is.
  await connectionsTab.and(page.locator(':focus')).waitFor();

  // The drawer belongs to the connection shown, like the frames' filter and cursor: another one starts without it.
  // (At 1280×720 the drawer folds the connection list into a rail, which shows it.)
  await page.getByRole('button', { name: 'Connections (2)' }).click();
  await page.locator('.connection-item', { hasText: 'thread-other' }).click();
  await drawer.waitFor({ state: 'detached' });
  drawer = await openInject(page, 'thread-other');
  await drawer.getByRole('tab', { name: 'Event', selected: true }).waitFor();
  await page.getByRole('button', { name: 'Connections (2)' }).click();
  await page.locator('.connection-item', { hasText: 'thread-kept' }).click();
  await drawer.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Inject…' }).waitFor();
  assert.deepEqual(errors, []);
});

test('the inspected connection closing with the drawer open: no rule check asked of it, no error in the browser', async () => {
  const server = await startTestEngine();
  const { page } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  // Every error the browser reports, a failed request's "Failed to load resource" included.
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  const refused: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) refused.push(`${response.status()} ${response.url()}`);
  });
  await waitUntilLive(page);
  const client = await finishedClient(server.wsUrl, 'thread-closing');
  const drawer = await openInject(page, 'thread-closing');
  const composer = drawer.getByTestId('event-composer');
  await composer.getByText('Sending this would break a sequence rule').waitFor();
  const editor = composer.locator('.cm-content');

  await client.close();
  await drawer.getByText('connection closed').waitFor();
  // An edit after the close, and the template again: nothing to check against a connection that takes no events.
  // The composer asks CHECK_DELAY_MS (0.4 s) after an edit: any check would be asked well within this bound.
  const checkAsked = page
    .waitForRequest((request) => request.url().includes('/events/check'), { timeout: 3_000 })
    .then(
      () => true,
      () => false,
    );
  await fillEditor(page, editor, '{"type": "RUN_STARTED", "threadId": "thread-closing", "runId": "run-after"}');
  await composer.locator('.cm-content', { hasText: 'run-after' }).waitFor();
  await composer.getByRole('button', { name: 'Fresh template' }).click();
  await composer.locator('.cm-content', { hasText: 'TEXT_MESSAGE_START' }).waitFor();
  assert.equal(await checkAsked, false, 'a rule check was asked of the closed connection');
  assert.deepEqual(refused, []);
  assert.deepEqual(errors, []);
  // What the composer says instead: why nothing is checked, and why Send is off for this connection.
  const unchecked = composer.getByText('No sequence rule is checked: this connection is closed.');
  await unchecked.waitFor();
  await composer.getByText('Cannot send yet: this connection is closed (pick open ones in Send to)').waitFor();
  assert.equal(await composer.getByText('Sending this would break a sequence rule').count(), 0);
  assert.equal(await composer.getByText(/Rule check unavailable/).count(), 0);
});

test('a macro refused for a rule it would break: its refusal and warning go when the connection closes, the reason shows', async () => {
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  const client = await finishedClient(shared.wsUrl, 'thread-macro-closing');
  const drawer = await openInject(page, 'thread-macro-closing');
  await drawer.getByRole('tab', { name: 'Macros' }).click();
  // A second RUN_ERROR breaks a rule (R4: after RUN_ERROR only RUN_STARTED): the engine refuses it, the form says
  // which and offers Run anyway.
  await drawer.getByLabel('Macro', { exact: true }).selectOption('run-error');
  const macro = drawer.getByTestId('macro-run-error');
  const run = macro.getByRole('button', { name: 'Run macro' });
  await run.click();
  await macro.getByRole('status').filter({ hasText: 'Sent 1 event.' }).waitFor();
  await macro.getByLabel('Message').fill('The agent failed again');
  await run.click();
  const warning = macro.getByText('This would break a sequence rule:');
  await warning.waitFor();
  await macro.getByRole('button', { name: 'Run anyway' }).waitFor();
  const refused = macro.getByRole('alert').filter({ hasText: 'Not sent' });
  await refused.filter({ hasText: 'use Run anyway' }).waitFor();

  await client.close();
  await drawer.getByText('connection closed').waitFor();
  // What it says instead: why nothing is checked, and why Run is off, as the Event tab says.
  await macro.getByText('No sequence rule is checked: this connection is closed.').waitFor();
  await macro.getByText('Cannot run: this connection is closed', { exact: true }).waitFor();
  assert.equal(await warning.count(), 0, 'the rule warning outlived the connection');
  assert.equal(await refused.count(), 0, 'the refusal, offering Run anyway, outlived the connection');
  assert.equal(await macro.getByRole('button', { name: 'Run anyway' }).count(), 0);
  assert.equal(await run.isDisabled(), true);
  assert.deepEqual(errors, []);
});

test('every action on the connection that closed with the drawer open is off and says why; Send to others still sends', async () => {
  const server = await startTestEngine();
  const { page } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  // Every error the browser reports, a failed request's "Failed to load resource" included.
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  const refused: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) refused.push(`${response.status()} ${response.url()}`);
  });
  await waitUntilLive(page);
  const client = await finishedClient(server.wsUrl, 'thread-gone');
  const other = await finishedClient(server.wsUrl, 'thread-staying');
  const item = page.locator('.connection-item', { hasText: 'thread-gone' });
  const closedId = ((await item.getAttribute('data-testid')) ?? '').slice('connection-'.length);
  const drawer = await openInject(page, 'thread-gone');
  const composer = drawer.getByTestId('event-composer');
  // The template's rule check, asked while the connection is open, answered: what is asked from here on is not it.
  await composer.getByText('Sending this would break a sequence rule').waitFor();
  // What the console asks of the closed connection itself, reading aside (its frames, its template).
  const asked: string[] = [];
  page.on('request', (request) => {
    if (request.method() !== 'GET' && request.url().includes(`/connections/${closedId}`))
      asked.push(`${request.method()} ${request.url()}`);
  });
  // Chosen before the close: this connection and the other one.
  await composer.getByLabel('Send to').selectOption('chosen');
  const picker = composer.getByRole('group', { name: 'Send to these connections' });
  await picker.getByRole('checkbox', { name: /thread-staying/ }).check();
  assert.equal(await picker.getByRole('checkbox', { checked: true }).count(), 2);

  await client.close();
  await drawer.getByText('connection closed').waitFor();
  const closedReason = (lead: string) => drawer.getByText(`${lead}: this connection is closed`, { exact: true });

  // Macros: Run is off, with the reason beside it; Ctrl+Enter in a field runs nothing either.
  await drawer.getByRole('tab', { name: 'Macros' }).click();
  const macro = drawer.getByTestId('macro-text-message');
  await closedReason('Cannot run').waitFor();
  assert.equal(await macro.getByRole('button', { name: 'Run macro' }).isDisabled(), true);
  await macro.getByLabel('Text').fill('after the close');
  await macro.getByLabel('Text').press('ControlOrMeta+Enter');

  // Socket: delivery, closing and dropping are off, each with the reason beside it; Enter in their fields does nothing.
  await drawer.getByRole('tab', { name: 'Socket' }).click();
  await closedReason('Cannot pause or delay').waitFor();
  await closedReason('Cannot close or drop').waitFor();
  for (const name of ['Pause delivery', 'Apply', 'Close connection', 'Drop TCP…'])
    assert.equal(await drawer.getByRole('button', { name }).isDisabled(), true, `${name} is on`);
  await drawer.getByLabel('Latency per frame').fill('250');
  await drawer.getByLabel('Latency per frame').press('Enter');
  await drawer.getByLabel('Close reason').fill('again');
  await drawer.getByLabel('Close reason').press('Enter');

  // Event: nothing goes to this connection, by Ctrl+Enter in the editor either.
  await drawer.getByRole('tab', { name: 'Event' }).click();
  await composer.getByLabel('Send to').selectOption('this');
  await composer.getByText('Cannot send yet: this connection is closed (pick open ones in Send to)').waitFor();
  await composer.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+Enter');
  // The picker offers the open connections only, and the send goes to the one still open.
  await composer.getByLabel('Send to').selectOption('chosen');
  assert.equal(await picker.getByRole('checkbox').count(), 1);
  assert.equal(await picker.getByRole('checkbox', { name: /thread-staying/ }).isChecked(), true);
  await fillEditor(
    page,
    composer.locator('.cm-content'),
    '{"type": "RUN_STARTED", "threadId": "thread-staying", "runId": "run-next"}',
  );
  await composer.locator('.cm-content', { hasText: 'run-next' }).waitFor();
  await composer.getByRole('button', { name: 'Send', exact: true }).click();
  await composer
    .getByRole('status')
    .filter({ hasText: /^Sent 1 event/ })
    .waitFor();
  await other.waitUntil(() => other.events.some((event) => event.type === 'RUN_STARTED' && event.runId === 'run-next'));

  assert.deepEqual(asked, []);
  assert.deepEqual(refused, []);
  assert.deepEqual(errors, []);
  await other.close();
});

test('the Frame tab of a raw socket that closed says why Send frame is off, and Ctrl+Enter sends nothing', async () => {
  const server = await startTestEngine({ template: 'fastapi-tutorial' });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport, waitMs });
  const refused: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) refused.push(`${response.status()} ${response.url()}`);
  });
  await waitUntilLive(page);
  const client = await RawSocket.open(`${server.url.replace('http', 'ws')}/ws/echo`);
  await page.locator('.connection-item', { hasText: '/ws/echo' }).click();
  await page.getByRole('button', { name: 'Inject…' }).click();
  const drawer = page.getByTestId('inject-drawer');
  const input = drawer.getByLabel('Frame to send');
  await input.fill('after the close');
  await client.close();
  await drawer.getByText('connection closed').waitFor();
  await drawer.getByText('Cannot send: this connection is closed', { exact: true }).waitFor();
  assert.equal(await drawer.getByRole('button', { name: 'Send frame' }).isDisabled(), true);
  await input.press('ControlOrMeta+Enter');
  await drawer.getByRole('tab', { name: 'Socket' }).click();
  await drawer.getByText('Cannot close or drop: this connection is closed', { exact: true }).waitFor();
  assert.deepEqual(refused, []);
  assert.deepEqual(errors, []);
});
