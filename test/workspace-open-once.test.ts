import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { HttpMounts } from '../src/server/routes/http-mounts';
import { encodeWorkspace } from '../src/server/workspace/workspace-codec';
import { workspaceTemplate } from '../src/server/workspace/workspace-templates';
import type { Route } from '../src/shared/mounts/route';
import { WorkspaceSchema, type WorkspaceStatus } from '../src/shared/workspace';
import { controlClient } from './helpers/control-client';
import { startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// Opening a workspace decodes and checks its file once, and compiles its routes once, to check them and to serve them:
// it read and checked the file twice and compiled its routes four times, then twice, ~0.65 s a read and ~1.2 s a
// compile for GitHub's 1,223 routes. Counted, not timed: JSON.parse of the file's text, and HttpMounts.compile of its
// routes.

const dir = await workspaceDir();

/** A blank workspace file with one route, `id`; its path and text. */
async function fileWithRoute(name: string, id: string): Promise<{ file: string; text: string }> {
  const file = join(dir, name);
  const workspace = WorkspaceSchema.parse({
    ...workspaceTemplate('blank', Date.now(), name),
    routes: [{ id, path: `/${id}`, responses: [{ id: 'ok', body: { json: { id } } }] }],
  });
  const text = encodeWorkspace(workspace);
  await writeFile(file, text);
  return { file, text };
}

test('opening a file parses its text once and compiles its routes once, to check them and to serve them', async (t) => {
  const first = await fileWithRoute('first.agui.json', 'first');
  const server = await startWorkspaceEngine(dir, first.file);
  const api = controlClient(server);
  const other = await fileWithRoute('other.agui.json', 'counted');

  const parse = t.mock.method(JSON, 'parse');
  const compile = t.mock.method(HttpMounts, 'compile');
  const opened = await api.post<WorkspaceStatus>('/workspace/open', { path: other.file });
  assert.equal(opened.status, 200);
  const parses = parse.mock.calls.filter((call) => call.arguments[0] === other.text).length;
  const compiles = compile.mock.calls.filter((call) =>
    call.arguments[0].routes?.some((route: Route) => route.id === 'counted'),
  ).length;
  t.mock.restoreAll();
  assert.equal(parses, 1, 'the text is parsed once');
  assert.equal(compiles, 1, 'the routes compiled to check the file are the ones served');
  assert.deepEqual(await (await fetch(`${server.url}/counted`)).json(), { id: 'counted' });
});

test('opening the file open with unsaved changes saves them first and serves what was saved', async () => {
  const { file } = await fileWithRoute('edited.agui.json', 'kept');
  // No autosave before the open: the changes are unsaved when it comes.
  const server = await startWorkspaceEngine(dir, file, { workspaceOptions: { autosaveDelayMs: 60_000 } });
  const api = controlClient(server);
  const added = await api.post('/routes', {
    id: 'added',
    path: '/added',
    responses: [{ id: 'ok', body: { json: 1 } }],
  });
  assert.equal(added.status, 201);
  assert.equal((await api.get<WorkspaceStatus>('/workspace')).body.dirty, true);

  const opened = await api.post<WorkspaceStatus>('/workspace/open', { path: file });
  assert.equal(opened.status, 200);
  assert.equal(opened.body.dirty, false);
  const saved = WorkspaceSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  assert.deepEqual(
    saved.routes.map((route) => route.id),
    ['kept', 'added'],
  );
  // Served from the file as the save left it, not as it was read before the save.
  assert.equal((await fetch(`${server.url}/added`)).status, 200);
});
