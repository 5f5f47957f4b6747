import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INSPECTION_INPUT, openSocket, openSockets } from '../bench/ws-clients';
import { AguiSocket } from '../test/helpers/agui-socket';
import { startTestEngine } from '../test/helpers/engine';
import { eventually } from '../test/helpers/wait';
import { launchBrowser } from './helpers/browser';
import {
  consoleForFile,
  feedCaughtUp,
  fillEditor,
  openConsole,
  screenshot,
  waitUntilLive,
} from './helpers/console-page';
import { countReactRenders, rendersOf } from './helpers/react-renders';

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();
/**
 * The console on the default world for the tests that store nothing in it until the last of them (drafts discarded or
 * refused; then a run on a connection of its own, and a delete): loaded afresh for each.
 */
const shared = await startTestEngine();
const openSharedConsole = await consoleForFile(shared, browser);

test('Scenarios: run one on a chosen connection, create one (schema-checked as you type), record a connection', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  const ws = await AguiSocket.open(server.wsUrl);
  await page.locator('.connection-item').first().waitFor();

  await page.getByRole('tab', { name: 'Scenarios' }).click();
  const list = page.getByRole('table', { name: 'Scenarios' });
  await list.getByRole('row', { name: /Inspectie starten/ }).click();
  const editor = page.getByTestId('scenario-editor');
  await editor.locator('.panel-header').getByText('agora-inspection-start').waitFor();
  await editor.getByRole('button', { name: '▶ Run' }).click();
  await editor.getByText('Started').waitFor();
  await ws.waitForRuns(1);
  await ws.waitFor((event) => event.type === 'TOOL_CALL_START' && event.toolCallName === 'get_company_info');
  await screenshot(page, 'scenarios');

  await page.getByRole('button', { name: '+ New scenario' }).click();
  const code = page.getByTestId('scenario-editor').locator('.cm-content');
  await code.filter({ hasText: 'my-scenario' }).waitFor();
  // The example is a scenario as it stands: it may be created unchanged; Cancel leaves without creating it.
  assert.equal(await page.getByRole('button', { name: 'Create' }).isEnabled(), true, 'the example can be created');
  await page.getByTestId('scenario-editor').getByRole('button', { name: 'Cancel' }).click();
  await page.getByTestId('scenario-editor').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: '+ New scenario' }).click();
  await code.filter({ hasText: 'my-scenario' }).waitFor();
  await fillEditor(
    page,
    code,
    JSON.stringify({ id: 'Bad Id', name: 'Hallo', triggers: [{ match: 'substring', value: 'hallo' }], steps: [] }),
  );
  await page.getByTestId('scenario-editor').locator('.cm-lintRange-error').first().waitFor();
  assert.equal(
    await page.getByRole('button', { name: 'Create' }).isDisabled(),
    true,
    'an invalid id cannot be created',
  );
  // Trigger patterns are the engine's to judge (RE2): the editor shows its 422, naming the field.
  await fillEditor(
    page,
    code,
    JSON.stringify({
      id: 'lookahead',
      name: 'Lookahead',
      triggers: [{ match: 'regex', pattern: '(?=hallo)' }],
      steps: [{ type: 'text', chunks: ['Nooit'] }],
    }),
  );
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('alert').filter({ hasText: 'triggers[0].pattern: not a pattern the engine can run' }).waitFor();
  await fillEditor(
    page,
    code,
    JSON.stringify({
      id: 'hallo',
      name: 'Hallo',
      triggers: [{ match: 'substring', value: 'hallo', priority: 100 }],
      steps: [{ type: 'text', chunks: ['Hallo uit de console'] }],
    }),
  );
  await page.getByRole('button', { name: 'Create' }).click();
  await list.getByRole('row', { name: /Hallo/ }).waitFor();
  const from = ws.events.length;
  ws.ask('hallo daar');
  await ws.waitFor((event) => event.type === 'TEXT_MESSAGE_CONTENT' && event.delta === 'Hallo uit de console', from);

  // A connection's traffic becomes a scenario of its own.
  const recorded = await AguiSocket.open(server.wsUrl);
  recorded.ask('Start inspectie bij Restaurant Bella Rosa', { threadId: 'thread-record' });
  await recorded.waitForRuns(1);
  await page.getByRole('tab', { name: /^Connections/ }).click();
  await page.locator('.connection-item', { hasText: 'thread-record' }).click();
  await page.getByRole('button', { name: 'Record as scenario…' }).click();
  await page
    .getByRole('dialog', { name: 'Record as scenario' })
    .getByRole('button', { name: 'Record', exact: true })
    .click();
  await page
    .getByTestId('scenario-editor')
    .locator('.panel-header')
    .getByText(/^recorded-/)
    .waitFor();
  await page
    .getByRole('table', { name: 'Scenarios' })
    .getByRole('row', { name: /recorded-/ })
    .waitFor();
  assert.deepEqual(errors, []);
});

test('Scenarios: add any step type from the editor; a scenario that breaks the stream shows every problem', async () => {
  const server = await startTestEngine({ template: 'dojo' });
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Scenarios' }).click();
  await page.getByRole('button', { name: '+ New scenario' }).click();
  const editor = page.getByTestId('scenario-editor');
  const code = editor.locator('.cm-content');
  await code.filter({ hasText: 'my-scenario' }).waitFor();
  await fillEditor(page, code, JSON.stringify({ id: 'palette', name: 'Palette', triggers: [], steps: [] }));
  await editor.getByLabel('Step type').selectOption('frontendToolCall');
  await editor
    .getByTestId('step-palette')
    .getByText(/A tool the client runs/)
    .waitFor();
  await editor
    .getByRole('form', { name: 'New frontendToolCall step' })
    .getByRole('button', { name: 'Add step' })
    .click();
  await code.filter({ hasText: 'change_background' }).waitFor();
  await editor.getByRole('button', { name: 'Create' }).click();
  await page
    .getByRole('table', { name: 'Scenarios' })
    .getByRole('row', { name: /Palette/ })
    .waitFor();

  await page.getByRole('button', { name: '+ New scenario' }).click();
  await code.filter({ hasText: 'my-scenario' }).waitFor();
  await fillEditor(
    page,
    code,
    JSON.stringify({
      id: 'broken',
      name: 'Broken',
      triggers: [],
      steps: [
        { type: 'stateSnapshot', snapshot: {} },
        { type: 'stateDelta', delta: [{ op: 'remove', path: '/missing' }] },
        { type: 'emit', event: { type: 'TOOL_CALL_END', toolCallId: 'never-started' } },
      ],
    }),
  );
  await editor.getByRole('button', { name: 'Create' }).click();
  const alert = page.getByRole('alert');
  await alert.filter({ hasText: 'steps[1]' }).filter({ hasText: 'remove /missing' }).waitFor();
  await alert.filter({ hasText: 'steps[2]' }).filter({ hasText: 'TOOL_CALL_END' }).waitFor();
  assert.deepEqual(errors, []);
});

test('Scenarios: an unsaved edit outlives a switch to another view, until discarded or cancelled', async () => {
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  const away = async () => {
    await page.getByRole('tab', { name: 'Routes' }).click();
    await page.getByTestId('scenario-editor').waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Scenarios' }).click();
  };
  await page.getByRole('tab', { name: 'Scenarios' }).click();
  await page
    .getByRole('table', { name: 'Scenarios' })
    .getByRole('row', { name: /Inspectie starten/ })
    .click();
  const editor = page.getByTestId('scenario-editor');
  const code = editor.locator('.cm-content');
  await code.filter({ hasText: 'agora-inspection-start' }).waitFor();
  const edited = { id: 'agora-inspection-start', name: 'Inspectie, nog niet bewaard', triggers: [], steps: [] };
  await fillEditor(page, code, JSON.stringify(edited));

  await away();
  await code.filter({ hasText: 'nog niet bewaard' }).waitFor();
  assert.equal(await editor.getByRole('button', { name: 'Save' }).isEnabled(), true, 'still an unsaved edit');
  await editor.getByRole('button', { name: 'Discard' }).click();
  await code.filter({ hasText: 'get_company_info' }).waitFor();
  assert.equal(await code.filter({ hasText: 'nog niet bewaard' }).count(), 0);

  // A new scenario's draft comes back too; Cancel drops it.
  await page.getByRole('button', { name: '+ New scenario' }).click();
  await code.filter({ hasText: 'my-scenario' }).waitFor();
  await fillEditor(page, code, JSON.stringify({ ...edited, id: 'half-written' }));
  await away();
  await code.filter({ hasText: 'half-written' }).waitFor();
  await editor.getByRole('button', { name: 'Cancel' }).click();
  await editor.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: '+ New scenario' }).click();
  await code.filter({ hasText: 'my-scenario' }).waitFor();
  assert.deepEqual(errors, []);
});

test('Scenarios: why Create is off is said beside it; a taken id is refused in the console’s words until the draft changes', async () => {
  const { page, errors } = await openSharedConsole({ width: 1280, height: 720 });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Scenarios' }).click();
  await page.getByRole('button', { name: '+ New scenario' }).click();
  const editor = page.getByTestId('scenario-editor');
  const code = editor.locator('.cm-content');
  await code.filter({ hasText: 'my-scenario' }).waitFor();
  const create = editor.getByRole('button', { name: 'Create' });

  // Not only a gutter mark: the problem next to Create, and read with it.
  const steps = [{ type: 'text', chunks: ['hi'] }];
  await fillEditor(page, code, JSON.stringify({ id: 'my-s', name: 'S', triggers: [{ match: 'regex' }], steps }));
  const blocked = editor.getByTestId('save-blocked');
  await blocked.filter({ hasText: /^Cannot create yet: triggers\.0\.pattern: / }).waitFor();
  assert.equal(await create.isDisabled(), true);
  assert.equal(await create.getAttribute('aria-describedby'), await blocked.getAttribute('id'));
  await fillEditor(page, code, '{"id": "my-s",');
  await blocked.filter({ hasText: /^Cannot create yet: Not JSON: / }).waitFor();
  await screenshot(page, 'scenario-create-blocked');

  // The id is taken: said for the console (not the API's PUT), and gone once the draft changes, parsing or not.
  const taken = JSON.stringify({ id: 'agora-general', name: 'Dubbel', triggers: [], steps });
  await fillEditor(page, code, taken);
  await blocked.waitFor({ state: 'detached' });
  await create.click();
  const refusal = editor.getByRole('alert');
  await refusal
    .filter({ hasText: 'A scenario with id agora-general exists: choose another id, or open it to edit' })
    .waitFor();
  assert.doesNotMatch((await refusal.textContent()) ?? '', /PUT/);
  await screenshot(page, 'scenario-id-taken');
  await fillEditor(page, code, taken.slice(0, -1));
  await refusal.waitFor({ state: 'detached' });
  await fillEditor(page, code, JSON.stringify({ id: 'agora-general', name: 'Dubbel, bewerkt', triggers: [], steps }));
  await create.click();
  // …with a way to the scenario that has the id.
  await refusal.getByRole('button', { name: 'Open agora-general' }).click();
  await editor.locator('.panel-header').getByText('agora-general').waitFor();
  await editor.getByRole('heading', { name: 'Algemene assistent' }).waitFor();
  await page
    .getByRole('table', { name: 'Scenarios' })
    .getByRole('button', { name: 'Algemene assistent' })
    .and(page.locator(':focus'))
    .waitFor();
  assert.deepEqual(errors, []);
});

test('Scenarios: ▶ Run says where the run started, with a way there; deleted, the focus goes to the next scenario', async () => {
  const { page, errors } = await openSharedConsole({ width: 1280, height: 720 });
  await waitUntilLive(page);
  const ws = await AguiSocket.open(shared.wsUrl);
  await page.locator('.connection-item').first().waitFor();
  await page.getByRole('tab', { name: 'Scenarios' }).click();
  const list = page.getByRole('table', { name: 'Scenarios' });
  await list.getByRole('button', { name: 'Inspectie starten' }).click();
  const editor = page.getByTestId('scenario-editor');
  await editor.getByRole('button', { name: '▶ Run' }).click();
  const connectionId = await editor.getByLabel('Run on connection').inputValue();
  const result = editor.getByRole('status').filter({ hasText: /^Started on / });
  await result.waitFor();
  assert.match(
    (await result.textContent()) ?? '',
    new RegExp(`^Started on ${connectionId.slice(0, 8)} · /ws at \\d\\d:\\d\\d:\\d\\d — see Connections`),
  );
  await ws.waitForRuns(1);
  await screenshot(page, 'scenario-run-result');
  await result.getByRole('button', { name: 'Show in Connections' }).click();
  await page.getByRole('tab', { name: /^Connections/, selected: true }).waitFor();
  // The button went with the Scenarios view: the focus is on the connection list, at the connection shown.
  await page.getByRole('listbox', { name: 'Connections' }).and(page.locator(':focus')).waitFor();
  await page.getByTestId(`connection-${connectionId}`).and(page.locator('[aria-selected="true"]')).waitFor();

  await page.getByRole('tab', { name: 'Scenarios' }).click();
  const focused = page.locator(':focus');
  await editor.getByRole('button', { name: 'Delete…' }).click();
  await editor.getByRole('button', { name: 'Keep' }).and(focused).waitFor();
  await editor.getByRole('button', { name: 'Delete', exact: true }).click();
  await list.getByRole('button', { name: 'Inspectie starten' }).waitFor({ state: 'detached' });
  await list.getByRole('button', { name: 'Bevinding en regelgeving' }).and(focused).waitFor();
  assert.deepEqual(errors, []);
  ws.socket.close();
});

test('Scenarios: runs streaming on a few of 300 open connections do not draw the Run on picker again', async () => {
  // Played at speed 1, each run streams its frames for a few seconds: the feed counts them a few times a second.
  const server = await startTestEngine({ settings: { speed: 1 } });
  const sockets = await openSockets(server.wsUrl, 300, 50);
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
  });
  await countReactRenders(page);
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Scenarios' }).click();
  await page.getByRole('table', { name: 'Scenarios' }).getByRole('button', { name: 'Inspectie starten' }).click();
  const picker = page.getByTestId('scenario-editor').getByLabel('Run on connection');
  await eventually(async () => (await picker.locator('option').count()) === 300, 'the 300 open connections to pick');

  // Three connections play runs one after another; each says its thread with its first, so counting starts after.
  let playing = true;
  const played = [0, 0, 0];
  sockets.slice(0, 3).forEach((socket, index) => {
    socket.on('message', (data: Buffer) => {
      if (!data.includes('"RUN_FINISHED"')) return;
      played[index] = (played[index] ?? 0) + 1;
      if (playing) socket.send(INSPECTION_INPUT);
    });
    socket.send(INSPECTION_INPUT);
  });
  await eventually(() => played.every((runs) => runs >= 1), 'a run on each of the three');
  const pickerRenders = await rendersOf(page, 'select[aria-label="Run on connection"]');
  const from = [...played];
  await eventually(() => played.every((runs, index) => runs >= (from[index] ?? 0) + 2), 'two more runs on each');
  await feedCaughtUp(page, server);
  // The feed brought each run's frames counted, dozens of changes to those connections: none is in the picker.
  assert.equal(await pickerRenders(), 0, 'the picker was drawn again while only frame counts changed');
  // Nor does typing in the scenario's JSON above it (the editor renders on every keystroke).
  const code = page.getByTestId('scenario-editor').locator('.cm-content');
  await code.click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type('  ');
  await page.getByTestId('scenario-editor').getByRole('button', { name: 'Discard' }).waitFor();
  assert.equal(await pickerRenders(), 0, 'the picker was drawn again for a keystroke in the editor');

  // One more connection is in it: drawn again, with it.
  const newcomer = await openSocket(server.wsUrl);
  await eventually(async () => (await picker.locator('option').count()) === 301, 'the new connection to pick');
  assert.ok((await pickerRenders()) >= 1, 'the picker is drawn again for a new connection');
  playing = false;
  for (const socket of [...sockets, newcomer]) socket.terminate();
  assert.deepEqual(errors, []);
});

test('Scenarios: a world without any says so in the list, and how to make one', async () => {
  const server = await startTestEngine({ template: 'fastapi-tutorial' });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
  });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Scenarios' }).click();
  await page.getByTestId('scenarios-empty').filter({ hasText: 'No scenarios yet' }).waitFor();
  assert.equal(await page.getByRole('table', { name: 'Scenarios' }).count(), 0);
  // Nothing to pick: the panel beside it does not ask for a pick.
  await page.getByText('Create one with + New scenario').waitFor();
  assert.equal(await page.getByText('Pick a scenario').count(), 0);
  assert.deepEqual(errors, []);
});
