import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Workspace } from '../src/shared/workspace';
import { WORKSPACE_MAX_BYTES } from '../src/shared/workspace-max-bytes';
import { agoraData, agoraStore } from '../test/helpers/agora';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { handMadeTooLargeHistory } from '../test/helpers/large-world';
import { movableWorkspace } from '../test/helpers/movable-workspace';
import { startRefusingWorkspaceEngine, startWorkspaceEngine } from '../test/helpers/workspace-files';
import { launchBrowser } from './helpers/browser';
import { consoleForFile, feedCaughtUp, openConsole, screenshot, waitUntilLive } from './helpers/console-page';

const browser = await launchBrowser();
/**
 * The default world for a refused upload (which changes nothing, as it checks) and then, last, a new workspace made to
 * be exported (which no other test on it reads); the console loaded afresh for each. Every other test here saves,
 * marks the workspace unsaved, counts downloads or answers dialogs, and keeps an engine of its own.
 */
const shared = await startTestEngine();
const openSharedConsole = await consoleForFile(shared, browser);

test('Workspace: save as a file, see it saved, export it, import a copy, reopen from recent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agui-console-workspace-'));
  const server = await startTestEngine({ recentWorkspaces: true, workspaceOptions: { configDir: dir } });
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  /** The REST API (what a frontend sees) serves `count` users, within the wait. */
  const usersBecome = (count: number) =>
    page.waitForFunction(
      async ([url, expected]) =>
        ((await (await fetch(`${url}/users`)).json()) as { totalCount: number }).totalCount === expected,
      [server.url, count] as const,
    );
  const status = page.getByTestId('workspace-status');
  await status.getByText('in memory').waitFor();

  await status.getByRole('button', { name: /▾/ }).click();
  const panel = page.getByRole('dialog', { name: 'Workspace' });
  await panel.getByRole('button', { name: 'Save as…' }).click();
  const file = join(dir, 'team.agui.json');
  await panel.getByLabel('Save to').fill(file);
  await panel.getByRole('button', { name: 'Save', exact: true }).last().click();
  await panel.getByTestId('workspace-path').filter({ hasText: file }).waitFor();
  await status.getByText('in memory').waitFor({ state: 'detached' });
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Workspace;
  assert.equal(saved.version, 2);
  assert.equal(agoraData(saved).users.length, 3);
  await screenshot(page, 'workspace');

  const download = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Export' }).click();
  const exported = await download;
  assert.match(exported.suggestedFilename(), /\.agui\.json$/);
  const exportedText = readFileSync((await exported.path()) as string, 'utf8');
  assert.equal(agoraData(JSON.parse(exportedText) as Workspace).users.length, 3);

  // Import a copy with one user fewer: the REST API serves it at once.
  const copy = JSON.parse(exportedText) as Workspace;
  agoraData(copy).users = agoraData(copy).users.filter((user) => user.id !== '550e8400-e29b-41d4-a716-446655440003');
  const upload = join(dir, 'copy.json');
  writeFileSync(upload, JSON.stringify(copy));
  await panel.getByTestId('workspace-import').setInputFiles(upload);
  await usersBecome(2);

  // A broken upload is reported in place, where the engine found it (not the browser's parser), and changes nothing.
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{\n  "version": 2,\n  oops\n}');
  await panel.getByTestId('workspace-import').setInputFiles(broken);
  await panel
    .getByRole('alert')
    .filter({ hasText: 'broken.json:3:3: invalid JSON: unexpected "o", expected a property name in double quotes' })
    .waitFor();
  assert.equal(((await (await fetch(`${server.url}/users`)).json()) as { totalCount: number }).totalCount, 2);

  await panel.getByRole('button', { name: 'Open…' }).click();
  await panel.getByLabel('File to open').fill(file);
  await panel.getByRole('button', { name: 'Open', exact: true }).click();
  await usersBecome(3);
  await panel.getByRole('button', { name: /team/ }).first().waitFor();
  assert.deepEqual(errors, []);
});

test('Workspace: an upload that cannot be a workspace (not UTF-8, empty, white space, too large) is refused naming the file, in its words; nothing changes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agui-console-upload-'));
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  await page.getByTestId('workspace-status').getByRole('button', { name: /▾/ }).click();
  const panel = page.getByRole('dialog', { name: 'Workspace' });
  const before = shared.workspace.document().name;
  const refused = async (name: string, bytes: Buffer | number, says: string) => {
    const file = join(dir, name);
    if (typeof bytes === 'number') {
      writeFileSync(file, '');
      truncateSync(file, bytes); // sparse: as large as asked without writing it
    } else writeFileSync(file, bytes);
    await panel.getByTestId('workspace-import').setInputFiles(file);
    await panel.getByRole('alert').filter({ hasText: says }).waitFor();
    await panel.getByRole('button', { name: 'Dismiss error' }).click();
  };

  // Latin-1: read by the browser, the é would arrive as U+FFFD and be imported without a word.
  const latin1 = Buffer.concat([Buffer.from('{"version": 2, "name": "Caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
  // Said of the file, not of a request body (it was "Request body is not valid UTF-8 …: send JSON encoded as UTF-8").
  await refused(
    'latin1.json',
    latin1,
    'latin1.json: the file is not valid UTF-8: an invalid byte sequence at byte offset 27 (0xE9); save it as UTF-8',
  );
  await refused('empty.json', Buffer.alloc(0), 'empty.json is empty: choose a workspace file');
  // It was "Send a workspace document as the JSON body".
  await refused('blank.json', Buffer.from(' \n\n'), 'blank.json: the file holds no workspace, only white space');
  await refused(
    'huge.json',
    WORKSPACE_MAX_BYTES + 1,
    'huge.json is larger than 64 MiB, the largest workspace the engine imports',
  );
  assert.equal(shared.workspace.document().name, before);
  assert.equal(shared.workspace.status().edited, false);
  assert.deepEqual(errors, []);
});

test('Workspace: save as into another folder names the route files left behind, and moves once they are there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agui-console-move-'));
  const { old, moved, file } = movableWorkspace(dir);
  const server = await startWorkspaceEngine(dir, file);
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  await page.getByTestId('workspace-status').getByRole('button', { name: /▾/ }).click();
  const panel = page.getByRole('dialog', { name: 'Workspace' });
  const target = join(moved, 'shop.agui.json');
  const saveAs = async () => {
    await panel.getByRole('button', { name: 'Save as…' }).click();
    await panel.getByLabel('Save to').fill(target);
    await panel.getByRole('button', { name: 'Save', exact: true }).last().click();
  };

  await saveAs();
  const alert = panel.getByRole('alert').filter({ hasText: 'answers with data/a.json, which is not in' });
  await alert.waitFor();
  assert.match((await alert.textContent()) ?? '', /copy it there first \(keeping its path\), or save in/);
  await panel.getByTestId('workspace-path').filter({ hasText: file }).waitFor();

  cpSync(join(old, 'data'), join(moved, 'data'), { recursive: true });
  await saveAs();
  await panel.getByTestId('workspace-path').filter({ hasText: target }).waitFor();
  const saved = JSON.parse(readFileSync(target, 'utf8')) as Workspace;
  assert.equal(saved.staticFolders[0]?.folder, '../old/public');
  assert.deepEqual(errors, []);
});

test('Workspace: a refused Save as is said once, in the panel; the workspace stays clean, with no problem badge', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agui-console-save-as-refused-'));
  const file = join(dir, 'kept.agui.json');
  const { server, refusal } = await startRefusingWorkspaceEngine(dir, file, 'EIO', 'EIO: simulated');
  const before = readFileSync(file, 'utf8');
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  const status = page.getByTestId('workspace-status');
  await status.getByRole('button', { name: /▾/ }).click();
  const panel = page.getByRole('dialog', { name: 'Workspace' });
  const badge = status.locator('.badge.danger');

  const missing = join(dir, 'nonexistent-dir-xyz', 'sub');
  const targets: [path: string, says: string][] = [
    [join(missing, 'w.agui.json'), `the folder ${missing} does not exist (ENOENT)`],
    ...(process.platform === 'linux'
      ? ([['/proc/forbidden.agui.json', 'no file can be created in /proc: the folder exists']] as [string, string][])
      : []),
  ];
  for (const [target, says] of targets) {
    await panel.getByRole('button', { name: 'Save as…' }).click();
    await panel.getByLabel('Save to').fill(target);
    await panel.getByRole('button', { name: 'Save', exact: true }).last().click();
    const alerts = panel.getByRole('alert').filter({ hasText: `${target}: could not save` });
    await alerts.first().waitFor();
    assert.match((await alerts.first().textContent()) ?? '', new RegExp(says.replace(/[()/.]/g, '\\$&')));
    // Whatever status the engine pushed after the save has arrived: it must not bring a second copy or a badge.
    await feedCaughtUp(page, server);
    assert.equal(await alerts.count(), 1, `one error for ${target}, not the status's copy as well`);
    assert.equal(await badge.count(), 0, 'a refused Save as is no problem of the workspace');
    assert.equal(await status.getByText('unsaved').count(), 0, 'the workspace is still saved');
    await panel.getByTestId('workspace-path').filter({ hasText: file }).waitFor();
    await panel.getByRole('button', { name: 'Cancel' }).click();
  }
  const engineStatus = server.workspace.status();
  assert.equal(engineStatus.error, null);
  assert.equal(engineStatus.dirty, false);
  assert.equal(engineStatus.path, file);
  assert.equal(readFileSync(file, 'utf8'), before);
  await screenshot(page, 'workspace-save-as-refused');

  // The workspace's own file refused: that is its problem (a badge), and still said once in the panel.
  await panel.getByRole('button', { name: 'Dismiss error' }).click();
  refusal.on = true;
  await panel.getByRole('button', { name: 'Save', exact: true }).click();
  await badge.filter({ hasText: 'problem' }).waitFor();
  const own = panel.getByRole('alert').filter({ hasText: `${file}: could not save (EIO: simulated)` });
  await own.first().waitFor();
  await feedCaughtUp(page, server);
  assert.equal(await own.count(), 1, 'the failed save of its own file, once');
  refusal.on = false;
  await panel.getByRole('button', { name: 'Save', exact: true }).click();
  await badge.waitFor({ state: 'detached' });
  assert.equal(await own.count(), 0);
  assert.deepEqual(errors, []);
});

test('Workspace: Export downloads under the name as written, accents and symbols kept, as the engine names it', async () => {
  await shared.workspace.create('blank', undefined, 'Prüfung ✓ "v2"');
  const { page, errors } = await openSharedConsole();
  await waitUntilLive(page);
  await page.getByTestId('workspace-status').getByRole('button', { name: /▾/ }).click();
  const panel = page.getByRole('dialog', { name: 'Workspace' });
  const download = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Export' }).click();
  assert.equal((await download).suggestedFilename(), 'Prüfung ✓ -v2.agui.json');
  // The name the engine's own export gives the file (a script's download), written as RFC 6266 has it.
  const exported = await controlClient(shared).get('/workspace/export');
  const named = /filename\*=UTF-8''([^;]+)/.exec(exported.headers.get('content-disposition') ?? '')?.[1];
  assert.equal(named && decodeURIComponent(named), 'Prüfung ✓ -v2.agui.json');
  assert.deepEqual(errors, []);
});

test('Workspace: an Export larger than the engine opens is refused in the panel, saying what to make smaller; nothing downloads', async () => {
  const server = await startTestEngine();
  handMadeTooLargeHistory(agoraStore(server));
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  let downloads = 0;
  page.on('download', () => downloads++);
  const status = page.getByTestId('workspace-status');
  await status.getByRole('button', { name: /▾/ }).click();
  const panel = page.getByRole('dialog', { name: 'Workspace' });
  await panel.getByRole('button', { name: 'Export' }).click();
  const refused = panel.getByRole('alert').filter({ hasText: 'larger than 64 MiB' });
  await refused.waitFor();
  assert.match((await refused.textContent()) ?? '', /large routes, then export again \(nothing was exported\)/);
  assert.equal(downloads, 0);
  assert.deepEqual(errors, []);
});

test('Workspace: replacing an untitled world asks first only when it was changed in the console, not by clients', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser);
  await waitUntilLive(page);
  const questions: string[] = [];
  let answer = false;
  page.on('dialog', (dialog) => {
    questions.push(dialog.message());
    void (answer ? dialog.accept() : dialog.dismiss());
  });
  const status = page.getByTestId('workspace-status');
  const panel = page.getByRole('dialog', { name: 'Workspace' });
  const newForm = panel.getByLabel('Save to (optional)');

  // A client's write: unsaved, yet nothing a person would lose.
  const put = await fetch(`${server.url}/users/me/preferences?user_id=koen`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ theme: 'light' }),
  });
  assert.equal(put.status, 200);
  await status.getByText('unsaved').waitFor();
  await status.getByRole('button', { name: /▾/ }).click();
  await panel.getByRole('button', { name: 'New…' }).click();
  await newForm.waitFor();
  assert.deepEqual(questions, []);
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await newForm.waitFor({ state: 'detached' });

  // A setting changed through the control API, as the console's own views change them.
  const changed = await fetch(`${server.url}/__console/api/server/settings`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: JSON.stringify({ speed: 2 }),
  });
  assert.equal(changed.status, 200);
  assert.equal(server.workspace.status().edited, true);
  await feedCaughtUp(page, server);
  // What a person would lose is said apart from clients' writes.
  await status.locator('.badge', { hasText: /^edited$/ }).waitFor();
  assert.equal(await status.locator('.badge', { hasText: /^unsaved$/ }).count(), 0);
  await panel.getByRole('button', { name: 'New…' }).click();
  // confirm() blocks the page until answered: the click is over once the question was.
  const asked: string[] = questions;
  assert.equal(asked.length, 1);
  assert.match(asked[0] ?? '', /changed in the console/);
  assert.equal(await newForm.count(), 0, 'dismissed: no form, the world stays');

  answer = true;
  await panel.getByRole('button', { name: 'New…' }).click();
  await newForm.waitFor();
  assert.equal(asked.length, 2);
  assert.deepEqual(errors, []);
});
