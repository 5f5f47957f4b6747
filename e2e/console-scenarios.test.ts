import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AguiSocket } from '../test/helpers/agui-socket';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { fillEditor, openConsole, screenshot, waitUntilLive } from './helpers/console-page';

test('Scenarios: run one on a chosen connection, create one (schema-checked as you type), record a connection', async () => {
  const server = await startTestEngine();
  const browser = await launchBrowser();
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
  const browser = await launchBrowser();
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
  const server = await startTestEngine();
  const browser = await launchBrowser();
  const { page, errors } = await openConsole(server, browser);
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
