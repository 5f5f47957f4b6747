import assert from 'node:assert/strict';
import fs, { linkSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { eventually } from './helpers/wait';

// The workspace file may hold the gateway's keys: no response file and no static folder serves it, nor its backups,
// nor a link to it (a hard link to a version a save has since replaced too) — whatever a templated name or a folder
// holding it lets a client ask for.

const dir = mkdtempSync(join(tmpdir(), 'agui-private-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'mock.agui.json');
writeFileSync(
  file,
  JSON.stringify({
    version: 2,
    name: 'private',
    settings: { gatewayAuth: { enabled: false, keys: ['sk-secret-key'] } },
    routes: [
      { id: 'any-file', path: '/files/:name', responses: [{ id: 'ok', body: { file: '{{params.name}}' } }] },
      // Naming the workspace file outright is refused when stored (routes-refused-when-stored.test.ts); this one
      // names the file a save as makes the workspace file later.
      { id: 'fixed', path: '/fixed', responses: [{ id: 'ok', body: { file: 'renamed.agui.json' } }] },
    ],
    staticFolders: [{ id: 'root', path: '/', folder: '.' }],
  }),
);
writeFileSync(join(dir, 'mock.agui.json.bak'), '{"keys":["sk-old-key"]}');
writeFileSync(join(dir, 'mock.agui.json.1796400000000.bak'), '{"keys":["sk-older-key"]}');
// Unsaved changes an engine kept beside the file on shutting down (a conflict): the same keys.
writeFileSync(join(dir, 'mock.agui.json.unsaved-2026-12-01T09-30-00.000Z.json'), '{"keys":["sk-unsaved-key"]}');
// An untitled world's console changes, kept by an engine stopped with Ctrl+C in this folder: its keys too.
writeFileSync(join(dir, 'untitled.unsaved-2026-12-01T09-31-00.000Z.json'), '{"keys":["sk-untitled-key"]}');
writeFileSync(join(dir, 'data.json'), '{"served":true}');
symlinkSync(file, join(dir, 'alias.json'));
// A hard link shares no path with the file, only its inode.
linkSync(file, join(dir, 'hard.json'));
linkSync(join(dir, 'mock.agui.json.bak'), join(dir, 'hard-backup.json'));
const server = await startTestEngine({ workspace: file, workspaceOptions: { autosaveDelayMs: 50 } });

async function get(path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.url}${path}`);
  return { status: response.status, text: await response.text() };
}

test('a templated response file and a static folder serve the folder, never the workspace file, its backups or unsaved copies', async () => {
  for (const path of ['/files/data.json', '/data.json']) {
    assert.deepEqual(await get(path), { status: 200, text: '{"served":true}' }, path);
  }
  for (const name of [
    'mock.agui.json',
    'mock.agui.json.bak',
    'mock.agui.json.1796400000000.bak',
    'mock.agui.json.unsaved-2026-12-01T09-30-00.000Z.json',
    'untitled.unsaved-2026-12-01T09-31-00.000Z.json',
    'alias.json',
    'hard.json',
    'hard-backup.json',
  ]) {
    for (const path of [`/files/${name}`, `/${name}`]) {
      const { status, text } = await get(path);
      assert.equal(status, 403, path);
      assert.doesNotMatch(text, /sk-/, `${path}: no key in the answer`);
    }
  }
  // The 403 says why, from a static folder as from a route.
  assert.match(
    (await get('/files/mock.agui.json')).text,
    /"Route any-file, response ok: file \\"mock.agui.json\\" is the workspace file \(or its backup\), which is never served/,
  );
  assert.match(
    (await get('/hard.json')).text,
    /"Static folder root: file \\"hard.json\\" is the workspace file \(or its backup\), which is never served/,
  );
});

test('a hard link made before a save keeps the version it reaches back, though the save put a new file in its place', async () => {
  // A save renames a new file over the name: the links made so far now reach the version it replaced, alone.
  const saved = async (id: string) => {
    const route = { id, path: `/${id}`, responses: [{ id: 'ok', body: { json: {} } }] };
    assert.equal((await controlClient(server).post('/routes', route)).status, 201);
    await eventually(() => readFileSync(file, 'utf8').includes(`"${id}"`), `the autosave of route ${id}`);
  };
  await saved('first-change');
  linkSync(file, join(dir, 'between-saves.json'));
  await saved('second-change');
  for (const name of ['hard.json', 'between-saves.json']) {
    for (const path of [`/files/${name}`, `/${name}`]) {
      const { status, text } = await get(path);
      assert.equal(status, 403, path);
      assert.doesNotMatch(text, /sk-/, `${path}: no key in the answer`);
    }
  }
});

test('after a save as, the new workspace file is the one kept back', async () => {
  const moved = join(dir, 'renamed.agui.json');
  await server.workspace.saveAs(moved);
  assert.equal((await get('/files/renamed.agui.json')).status, 403);
  assert.equal((await get('/renamed.agui.json')).status, 403);
  // Not even when a route stored before names it outright: the gateway's keys are not the mocked API's to give out.
  const fixed = await get('/fixed');
  assert.equal(fixed.status, 403);
  assert.doesNotMatch(fixed.text, /sk-/);
});

test('checking a file to serve runs nothing synchronous on the file system: a slow disk holds no other request', async () => {
  const names = ['realpathSync', 'statSync', 'lstatSync', 'existsSync', 'accessSync', 'openSync', 'fstatSync'] as const;
  // koa-send is loaded on first use, synchronously, as modules are: once.
  await get('/data.json');
  const calls: string[] = [];
  const originals = names.map((name) => [name, fs[name]] as const);
  for (const [name, original] of originals) {
    Object.assign(fs, {
      [name]: (...args: unknown[]) => {
        calls.push(`${name}(${String(args[0])})`);
        return (original as (...a: unknown[]) => unknown)(...args);
      },
    });
  }
  syncBuiltinESMExports();
  try {
    for (const path of ['/data.json', '/files/data.json', '/hard.json', '/files/alias.json', '/nothing.txt']) {
      await get(path);
    }
  } finally {
    for (const [name, original] of originals) Object.assign(fs, { [name]: original });
    syncBuiltinESMExports();
  }
  assert.deepEqual(calls, []);
});
