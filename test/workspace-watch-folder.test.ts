import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { agoraStore } from './helpers/agora';
import { eventually } from './helpers/wait';
import { agoraWorkspaceFile, readJson, startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// The workspace's folder removed and made again (`rm -rf`, a checkout, a sync tool): a watch ends with its folder
// and never sees a new one at its path, so the engine must find the new folder and watch it.

const dir = await workspaceDir();

/** An engine serving `w.json` in `folder` (made here, with any folders above it in `dir`). */
async function servedIn(folder: string) {
  await mkdir(folder, { recursive: true });
  const file = await agoraWorkspaceFile(folder, 'w.json', 'before');
  return { file, server: await startWorkspaceEngine(dir, file) };
}

const deletedSaid = (message = '') => /was deleted on disk/.test(message);

test('the folder removed and made again with the file: it is loaded, and the edits after it too', async () => {
  const folder = join(dir, 'remade');
  const { server } = await servedIn(folder);
  await rm(folder, { recursive: true });
  await eventually(() => deletedSaid(server.workspace.status().conflict?.message), 'the file gone to be said');
  await mkdir(folder);
  await agoraWorkspaceFile(folder, 'w.json', 'back');
  await eventually(() => server.workspace.status().name === 'back', 'the file back to be loaded');
  assert.equal(server.workspace.status().conflict, null);
  await agoraWorkspaceFile(folder, 'w.json', 'edited after');
  await eventually(() => server.workspace.status().name === 'edited after', 'the next edit to be loaded');
});

test('a folder above it removed and made again: watched from above until the file is back', async () => {
  const above = join(dir, 'above');
  const folder = join(above, 'inner');
  const { server } = await servedIn(folder);
  await rm(above, { recursive: true });
  await eventually(() => deletedSaid(server.workspace.status().conflict?.message), 'the file gone to be said');
  await mkdir(folder, { recursive: true });
  await agoraWorkspaceFile(folder, 'w.json', 'back');
  await eventually(() => server.workspace.status().name === 'back', 'the file back to be loaded');
});

test('the folder made again with the file while there are unsaved changes: a conflict, neither overwritten', async () => {
  const folder = join(dir, 'remade-unsaved');
  const { file, server } = await servedIn(folder);
  await rm(folder, { recursive: true });
  await eventually(() => deletedSaid(server.workspace.status().conflict?.message), 'the file gone to be said');
  agoraStore(server).setCurrentUser(null);
  await mkdir(folder);
  await agoraWorkspaceFile(folder, 'w.json', 'theirs');
  await eventually(
    () => /changed on disk while there are unsaved changes/.test(server.workspace.status().conflict?.message ?? ''),
    'the conflict',
  );
  assert.equal(server.workspace.status().dirty, true);
  assert.equal((await readJson(file)).name, 'theirs');
});
