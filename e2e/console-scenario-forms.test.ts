import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AguiSocket } from '../test/helpers/agui-socket';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { seriousAxeViolations } from './helpers/axe';
import { launchBrowser } from './helpers/browser';
import { fillEditor, openConsole, screenshot, waitUntilLive } from './helpers/console-page';

test('Scenarios: steps added and edited through forms from the schema are stored by the engine and played on /ws', async () => {
  const server = await startTestEngine();
  const browser = await launchBrowser();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
  });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Scenarios' }).click();
  await page.getByRole('button', { name: '+ New scenario' }).click();
  const editor = page.getByTestId('scenario-editor');
  const code = editor.locator('.cm-content');
  await code.filter({ hasText: 'my-scenario' }).waitFor();
  await fillEditor(
    page,
    code,
    JSON.stringify({
      id: 'forms',
      name: 'Formulieren',
      triggers: [{ match: 'substring', value: 'formulier', priority: 100 }],
      steps: [{ type: 'stateSnapshot', snapshot: { todos: [] } }],
    }),
  );
  const palette = editor.getByTestId('step-palette');
  await palette.getByRole('button', { name: '1. stateSnapshot' }).waitFor();

  // A state delta: the form starts from the example; JSON that does not parse is named and cannot be added.
  await palette.getByLabel('Step type').selectOption('stateDelta');
  const deltaForm = palette.getByRole('form', { name: 'New stateDelta step' });
  const delta = deltaForm.getByLabel('delta (required)');
  assert.match(await delta.inputValue(), /Write the docs/);
  // Keyboard: from the type list, Tab goes into the form.
  await palette.getByLabel('Step type').focus();
  await page.keyboard.press('Tab');
  await delta.and(page.locator(':focus')).waitFor();
  await delta.fill('[{');
  await deltaForm.getByText(/^Not JSON: /).waitFor();
  assert.equal(await deltaForm.getByRole('button', { name: 'Add step' }).isDisabled(), true);
  await delta.fill('[{ "op": "add", "path": "/todos/-", "value": "Via het formulier" }]');
  await deltaForm.getByRole('button', { name: 'Add step' }).click();
  await deltaForm.waitFor({ state: 'detached' });
  await code.filter({ hasText: 'Via het formulier' }).waitFor();

  // A frontend tool call: fields checked as typed (a required name, a whole number).
  await palette.getByLabel('Step type').selectOption('frontendToolCall');
  const toolForm = palette.getByRole('form', { name: 'New frontendToolCall step' });
  await palette.getByText(/A tool the client runs/).waitFor();
  await toolForm.getByLabel('name (required)').fill('');
  await toolForm.getByText('Required.').waitFor();
  await toolForm.getByLabel('name (required)').fill('change_background');
  await toolForm.getByLabel('chunkDelayMs').fill('1.5');
  await toolForm.getByText('A whole number.').waitFor();
  assert.equal(await toolForm.getByLabel('chunkDelayMs').getAttribute('aria-invalid'), 'true');
  await toolForm.getByLabel('chunkDelayMs').fill('0');
  await toolForm.getByLabel('argsChunks').fill('["{\\"background\\":", "\\"green\\"}"]');
  assert.deepEqual(await seriousAxeViolations(page), [], 'the open form passes axe');
  assert.ok(
    await editor.locator('.panel-body').evaluate((body) => body.scrollWidth <= body.clientWidth),
    'the form fits 1280 wide: nothing spills sideways',
  );
  await screenshot(page, 'scenario-step-form');
  await toolForm.getByRole('button', { name: 'Add step' }).click();
  await code.filter({ hasText: 'change_background' }).waitFor();

  // Clicking a step opens its form; the step goes back in its place.
  await palette.getByRole('button', { name: '3. frontendToolCall · change_background' }).click();
  const editForm = palette.getByRole('form', { name: 'Step 3: frontendToolCall' });
  assert.equal(await editForm.getByLabel('chunkDelayMs').inputValue(), '0');
  await editForm.getByLabel('name (required)').fill('set_theme_color');
  await editForm.getByRole('button', { name: 'Replace step 3' }).click();
  await palette.getByRole('button', { name: '3. frontendToolCall · set_theme_color' }).waitFor();

  await editor.getByRole('button', { name: 'Create' }).click();
  await page
    .getByRole('table', { name: 'Scenarios' })
    .getByRole('row', { name: /Formulieren/ })
    .waitFor();
  const stored = await controlClient(server).get<{ steps: unknown[] }>('/scenarios/forms');
  assert.equal(stored.status, 200);
  assert.deepEqual(stored.body.steps, [
    { type: 'stateSnapshot', snapshot: { todos: [] } },
    { type: 'stateDelta', delta: [{ op: 'add', path: '/todos/-', value: 'Via het formulier' }] },
    { type: 'frontendToolCall', name: 'set_theme_color', argsChunks: ['{"background":', '"green"}'], chunkDelayMs: 0 },
  ]);

  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask('een formulier graag');
  await ws.waitForRuns(1);
  const delivered = ws.events.find((event) => event.type === 'STATE_DELTA');
  assert.deepEqual(delivered?.delta, [{ op: 'add', path: '/todos/-', value: 'Via het formulier' }]);
  const start = ws.events.find((event) => event.type === 'TOOL_CALL_START');
  assert.equal(start?.toolCallName, 'set_theme_color');
  assert.deepEqual(
    ws.events.filter((event) => event.type === 'TOOL_CALL_ARGS').map((event) => event.delta),
    ['{"background":', '"green"}'],
  );
  assert.equal(ws.events.at(-1)?.type, 'RUN_FINISHED');
  assert.deepEqual(errors, []);
  ws.socket.close();
});

test('Scenarios at 1280×720: a recorded scenario with unsaved edits keeps its header buttons on one line', async () => {
  const server = await startTestEngine();
  const browser = await launchBrowser();
  const id = 'recorded-fb4b76a3-05b9-456a-96c8-c8fd14ca0e7a';
  const recorded = { id, name: 'Recorded: weather', triggers: [], steps: [{ type: 'text', chunks: ['Hallo'] }] };
  assert.equal((await controlClient(server).put(`/scenarios/${id}`, recorded)).status, 201);
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
  });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Scenarios' }).click();
  await page.getByRole('table', { name: 'Scenarios' }).getByRole('button', { name: 'Recorded: weather' }).click();
  const editor = page.getByTestId('scenario-editor');
  const code = editor.locator('.cm-content');
  await code.filter({ hasText: id }).waitFor();
  await code.click();
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.type('BROKEN');
  const header = editor.locator('.panel-header');
  const blocked = header.getByTestId('save-blocked');
  await blocked.filter({ hasText: 'Cannot save yet: Not JSON' }).waitFor();
  const headerBox = await header.boundingBox();
  assert.ok(headerBox);
  const middles: number[] = [];
  for (const name of ['Discard', 'Save', 'Delete…']) {
    const button = await header.getByRole('button', { name, exact: true }).boundingBox();
    assert.ok(button, name);
    assert.ok(button.x + button.width <= headerBox.x + headerBox.width, `${name} leaves the header`);
    middles.push(button.y + button.height / 2);
  }
  assert.ok(Math.max(...middles) - Math.min(...middles) <= 2, `the buttons sit on more than one line: ${middles}`);
  // The title's line and the reason under it: the header is two lines, not three.
  const title = await header.getByRole('heading', { name: 'Recorded: weather' }).boundingBox();
  assert.ok(title && Math.abs(title.y + title.height / 2 - (middles[0] ?? 0)) <= 4, 'the title has a line of its own');
  const reason = await blocked.boundingBox();
  assert.ok(reason && reason.y >= Math.max(...middles), 'the reason is under the buttons');
  await screenshot(page, 'scenario-header-1280x720');
  assert.deepEqual(errors, []);
});
