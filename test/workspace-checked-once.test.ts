import assert from 'node:assert/strict';
import { link, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { WorkspaceProblem } from '../src/shared/workspace';
import { controlClient } from './helpers/control-client';
import { startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// A workspace decoded to be served (an import, an open, a reload) is checked by the world that is to serve it, and the
// HTTP mounts that check compiled are the ones served: not compiled a second time, which for GitHub's 1,223 routes held
// the engine's thread ~1.2 s more. Seen by identity: the collection a decoded import holds is the store served. What
// only the world serving it refuses (a hard link to a backup of its file) is refused still.

const dir = await workspaceDir();
const file = join(dir, 'served.agui.json');
await writeFile(file, JSON.stringify({ version: 2, name: 'served' }));
const server = await startWorkspaceEngine(dir, file);
const api = controlClient(server);
const { world } = server.context;

/** A workspace document holding the collection `items` (one record), as an import's body. */
const importText = JSON.stringify({
  version: 2,
  name: 'imported',
  collections: [{ id: 'items', path: '/items', records: [{ id: 1, name: 'first' }] }],
});
const refuseText = () => new Error('refused');

test("an import is served with the mounts its decoding compiled: the collection's store, which clients then write", async () => {
  const decoded = server.workspace.decodeImport(importText, refuseText);
  const checked = decoded.checked?.http.collection('items');
  assert.ok(checked, 'the world that is to serve it checked it');
  server.workspace.applyImport(decoded);
  assert.equal(world.collection('items'), checked, 'the store compiled while decoding is the one served');

  const written = await fetch(`${server.url}/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 2, name: 'second' }),
  });
  assert.equal(written.status, 201);
  assert.deepEqual(
    checked.list().map((record) => record.id),
    [1, 2],
  );
});

test('mounts checked while decoding are served once: the same import applied again compiles its own', async () => {
  const decoded = server.workspace.decodeImport(importText, refuseText);
  server.workspace.applyImport(decoded);
  const first = world.collection('items');
  assert.ok(first);
  const written = await fetch(`${server.url}/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 3, name: 'third' }),
  });
  assert.equal(written.status, 201);

  // Served already, the store holds what clients wrote since: the import applied again starts from its own records.
  server.workspace.applyImport(decoded);
  assert.notEqual(world.collection('items'), first);
  assert.deepEqual(
    world
      .collection('items')
      ?.list()
      .map((record) => record.id),
    [1],
  );
});

test("opening a file whose route names a hard link to the file's backup is refused, though decoding it passed", async () => {
  // Decoding holds a document to its file as it is, as `validate` does; only the world serving it knows the backups'
  // inodes (its versions), which a hard link with a name of its own reaches.
  const opened = join(dir, 'linked.agui.json');
  const route = { id: 'keys', path: '/keys', responses: [{ id: 'ok', body: { file: 'keys.json' } }] };
  await writeFile(opened, JSON.stringify({ version: 2, name: 'linked', routes: [route] }));
  await writeFile(`${opened}.bak`, '{"keys":["sk-old-key"]}');
  await link(`${opened}.bak`, join(dir, 'keys.json'));

  const refused = await api.post<{ detail: WorkspaceProblem }>('/workspace/open', { path: opened });
  assert.equal(refused.status, 422, JSON.stringify(refused.body));
  assert.equal(refused.body.detail.path, 'routes.0.responses.0.body.file');
  assert.equal(
    refused.body.detail.problem,
    `"keys.json" is the workspace file (or its backup), which is never served (it may hold the gateway's keys): name another file`,
  );
  assert.equal(server.workspace.filePath(), file, 'the world open stays');
  assert.equal((await fetch(`${server.url}/keys`)).status, 404, 'nothing of it is served');
});
