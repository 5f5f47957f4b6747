import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { ServerInfo } from '../src/shared/control-api';
import type { Workspace, WorkspaceProblem, WorkspaceStatus } from '../src/shared/workspace';
import { fingerprintOf, httpsGet, httpsRequest, opensslCertificate } from './helpers/certificates';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { movableWorkspace } from './helpers/movable-workspace';
import { eventually } from './helpers/wait';
import { readJson, startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// Save as into another folder: the workspace moves with its file, so that opened from there it serves what it
// served here; what cannot follow it refuses the save.

const dir = await workspaceDir();

const text = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
};

test('save as elsewhere rebases static folders, refuses while route files are left behind, then serves from there', async () => {
  const elsewhere = join(dir, 'elsewhere-public');
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, 'abs.txt'), 'absolute');
  const { old, moved, file } = movableWorkspace(dir, {
    routes: [
      {
        id: 'user',
        method: 'GET',
        path: '/users/:id',
        responses: [{ id: 'ok', body: { file: 'data/user-{{params.id}}.json' } }],
      },
    ],
    staticFolders: [{ id: 'abs', path: '/abs', folder: elsewhere }],
  });
  writeFileSync(join(old, 'data', 'user-1.json'), '{"user":1}');
  const server = await startWorkspaceEngine(dir, file);
  const api = controlClient(server);
  const target = join(moved, 'shop.agui.json');

  const refused = await api.post<{ detail: WorkspaceProblem }>('/workspace/save-as', { path: target });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.detail.path, 'routes.0.responses.0.body.file');
  assert.match(refused.body.detail.problem, /GET \/a \(route a\) answers with data\/a\.json, which is not in .*moved/);
  assert.match(refused.body.detail.problem, /copy it there first \(keeping its path\), or save in .*old/);
  assert.deepEqual(
    refused.body.detail.otherProblems?.map((problem) => problem.path),
    ['routes.1.responses.0.body.file'],
    'the templated name is judged by its folder',
  );
  assert.match(refused.body.detail.otherProblems?.[0]?.problem ?? '', /answers with files from data\//);
  await assert.rejects(access(target), 'nothing written');
  assert.equal((await api.get<WorkspaceStatus>('/workspace')).body.path, file, 'still the old file');
  assert.equal((await text(`${server.url}/a`)).body, '{"from":"old"}');

  // Copied there (with a difference to tell them apart), the save goes through.
  cpSync(join(old, 'data'), join(moved, 'data'), { recursive: true });
  writeFileSync(join(moved, 'data', 'a.json'), '{"from":"moved"}');
  const saved = await api.post<WorkspaceStatus>('/workspace/save-as', { path: target });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  assert.equal(saved.body.path, target);
  assert.equal(saved.body.dirty, false);
  const written = (await readJson(target)) as unknown as Workspace;
  assert.deepEqual(
    written.staticFolders.map((folder) => folder.folder),
    ['../old/public', elsewhere],
    'the relative folder rebased, the absolute one as it was',
  );
  assert.deepEqual(
    written.routes.map((route) => route.responses[0]?.body),
    [{ file: 'data/a.json' }, { file: 'data/user-{{params.id}}.json' }],
    'route files stay inside the workspace folder, as written',
  );
  const original = (await readJson(file)) as unknown as Workspace;
  assert.equal(original.staticFolders[0]?.folder, 'public', 'the old file is left as it was');

  // The running engine now reads from the new folder, as a fresh one opened on the new file does.
  const fresh = await startWorkspaceEngine(dir, target);
  for (const engine of [server, fresh]) {
    assert.deepEqual(await text(`${engine.url}/a`), { status: 200, body: '{"from":"moved"}' });
    assert.deepEqual(await text(`${engine.url}/users/1`), { status: 200, body: '{"user":1}' });
    assert.deepEqual(await text(`${engine.url}/static/hello.txt`), { status: 200, body: 'hello from old/public' });
    assert.deepEqual(await text(`${engine.url}/abs/abs.txt`), { status: 200, body: 'absolute' });
  }
  const definitions = await api.get<{ items: { folder: string }[] }>('/static-folders');
  assert.equal(definitions.status, 200);
  assert.equal(definitions.body.items[0]?.folder, '../old/public', 'the console sees the rebased folder');

  // An edit after the move is autosaved into the new file, as the new folder reads it.
  const edited = await api.put(`/static-folders/public`, {
    id: 'public',
    path: '/files',
    folder: '../old/public',
  });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  assert.deepEqual(await text(`${server.url}/files/hello.txt`), { status: 200, body: 'hello from old/public' });
  await eventually(async () => {
    const saved = (await readJson(target)) as unknown as Workspace;
    return saved.staticFolders[0]?.path === '/files';
  }, 'the edit autosaved into the new file');
  assert.equal(((await readJson(target)) as unknown as Workspace).staticFolders[0]?.folder, '../old/public');
  assert.equal(((await readJson(file)) as unknown as Workspace).staticFolders[0]?.path, '/static', 'not the old one');
});

test('save as elsewhere rebases the certificate and key; the start setting reads the same, so no restart is asked', async () => {
  const old = join(dir, 'tls-old');
  const moved = join(dir, 'tls-moved');
  mkdirSync(join(old, 'certs'), { recursive: true });
  mkdirSync(moved);
  const files = opensslCertificate(join(old, 'certs'), 'ecdsa');
  const cert = readFileSync(files.cert, 'utf8');
  const file = join(old, 'secure.agui.json');
  const tls = { cert: 'certs/ecdsa-cert.pem', key: 'certs/ecdsa-key.pem' };
  writeFileSync(file, JSON.stringify({ version: 2, name: 'secure', settings: { tls } }));
  const server = await startTestEngine({ workspace: file, workspaceOptions: { configDir: join(dir, 'tls-config') } });
  const get = async <T>(path: string) => {
    const response = await httpsGet(`${server.url}/__console/api${path}`, cert, {
      authorization: `Bearer ${server.token}`,
    });
    return JSON.parse(response.body) as T;
  };
  const saveAs = await httpsRequest(`${server.url}/__console/api/workspace/save-as`, cert, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}` },
    json: { path: join(moved, 'secure.agui.json') },
  });
  assert.equal(saveAs.status, 200, saveAs.body);
  const written = (await readJson(join(moved, 'secure.agui.json'))) as unknown as Workspace;
  assert.deepEqual(written.settings.tls, {
    cert: '../tls-old/certs/ecdsa-cert.pem',
    key: '../tls-old/certs/ecdsa-key.pem',
  });
  const info = await get<ServerInfo>('/server');
  assert.deepEqual(info.settings.tls, written.settings.tls, 'the live setting as the file has it');
  assert.deepEqual(info.startupSettings.tls, info.settings.tls, 'the same files: nothing waits for a restart');

  const fresh = await startTestEngine({
    workspace: join(moved, 'secure.agui.json'),
    workspaceOptions: { configDir: join(dir, 'tls-config') },
  });
  assert.equal(fresh.tls?.fingerprint, fingerprintOf(cert), 'opened from there, it serves the same certificate');
  const freshInfo = await httpsGet(`${fresh.url}/__console/api/server`, cert, {
    authorization: `Bearer ${fresh.token}`,
  });
  assert.equal(freshInfo.status, 200);
  assert.equal(freshInfo.peerFingerprint, fingerprintOf(cert));
});

test("save as elsewhere: agui-mock's $schema is found again from there (or left out), the user's own is kept", async () => {
  // A project with agui-mock installed; the workspace in it names the install's schema, as `init` writes it there.
  const project = join(dir, 'schema-project');
  mkdirSync(join(project, 'node_modules/agui-mock/resources'), { recursive: true });
  writeFileSync(join(project, 'node_modules/agui-mock/resources/workspace.schema.json'), '{}');
  const installed = './node_modules/agui-mock/resources/workspace.schema.json';
  const file = join(project, 'shop.agui.json');
  writeFileSync(file, JSON.stringify({ $schema: installed, version: 2, name: 'shop' }));
  const server = await startWorkspaceEngine(dir, file);
  const api = controlClient(server);
  const schemaOf = async (path: string) => (await readJson(path)).$schema;
  const saveAs = async (path: string) => {
    mkdirSync(dirname(path), { recursive: true });
    const saved = await api.post<WorkspaceStatus>('/workspace/save-as', { path });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
  };

  const nested = join(project, 'mocks', 'shop.agui.json');
  await saveAs(nested);
  assert.equal(await schemaOf(nested), '../node_modules/agui-mock/resources/workspace.schema.json');
  assert.equal((await api.post('/workspace/save', {})).status, 200);
  assert.equal(await schemaOf(nested), '../node_modules/agui-mock/resources/workspace.schema.json', 'saves keep it');
  // Out of the project: no install reaches the file there, and no path into this one is written.
  const outside = join(dir, 'schema-outside', 'shop.agui.json');
  await saveAs(outside);
  assert.equal(await schemaOf(outside), undefined);
  assert.equal((await api.post('/workspace/save', {})).status, 200);
  assert.equal(await schemaOf(outside), undefined);

  // A schema of the user's: a URL is kept as written; a relative path still names the same file.
  const userSchemas: [written: string, moved: string][] = [
    ['https://example.com/agui.schema.json', 'https://example.com/agui.schema.json'],
    ['schemas/mine.json', '../schema-project/schemas/mine.json'],
  ];
  for (const [$schema, moved] of userSchemas) {
    writeFileSync(file, JSON.stringify({ $schema, version: 2, name: 'shop' }));
    assert.equal((await api.post('/workspace/open', { path: file })).status, 200);
    assert.equal((await api.post('/workspace/save', {})).status, 200);
    assert.equal(await schemaOf(file), $schema, 'a save keeps it');
    const there = join(dir, 'schema-users', `${moved.length}.agui.json`);
    await saveAs(there);
    assert.equal(await schemaOf(there), moved);
  }
});
