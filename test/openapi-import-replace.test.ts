import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { OpenApiImportResult } from '../src/shared/control-api';
import { buildCli, CLI } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { workspaceDir } from './helpers/workspace-files';

// What an import with "replace every route" says it changes: the routes it takes the place of are replaced (not
// added), and the ones it drops are named as removed — in the CLI's dry run and import, and the control API's.

const dir = await workspaceDir();
before(() => buildCli());

const DOCUMENT = JSON.stringify({
  openapi: '3.1.0',
  info: { title: 'T', version: '1' },
  paths: {
    '/items/{item_id}': {
      get: {
        operationId: 'read-item',
        parameters: [{ name: 'item_id', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: { '200': { description: 'ok', content: { 'application/json': { example: { id: 1 } } } } },
      },
    },
    '/items': {
      post: { operationId: 'create', responses: { '201': { description: 'c' } } },
    },
  },
});

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const routeIds = async (file: string) =>
  (JSON.parse(await readFile(file, 'utf8')) as { routes: { id: string }[] }).routes.map((route) => route.id);

test('import-openapi --replace (and its --dry-run) names the routes it removes and counts same-id routes as replaced', async () => {
  const spec = join(dir, 'items.openapi.json');
  await writeFile(spec, DOCUMENT);
  const file = join(dir, 'replace.agui.json');
  assert.equal(cli(['init', file, '--template', 'blank']).code, 0);
  const first = cli(['import-openapi', spec, '--into', file]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /imported "T": 2 route\(s\) added \(read-item, create\), 0 replaced, 1 kept →/);
  assert.deepEqual(await routeIds(file), ['hello', 'read-item', 'create']);

  const dryRun = cli(['import-openapi', spec, '--into', file, '--replace', '--dry-run']);
  assert.equal(dryRun.code, 0, dryRun.stderr);
  assert.match(
    dryRun.stdout,
    /would import "T": 0 route\(s\) added, 2 replaced \(read-item, create\), 0 kept, 1 removed \(hello\) →/,
  );
  assert.deepEqual(await routeIds(file), ['hello', 'read-item', 'create'], 'a dry run writes nothing');

  const replaced = cli(['import-openapi', spec, '--into', file, '--replace']);
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.match(
    replaced.stdout,
    /imported "T": 0 route\(s\) added, 2 replaced \(read-item, create\), 0 kept, 1 removed \(hello\) →/,
  );
  assert.deepEqual(await routeIds(file), ['read-item', 'create']);
});

test('the control API: replaceAll reports added, replaced and removed, in its dry run (the console preview) too', async () => {
  const server = await startTestEngine({ template: 'blank' });
  try {
    const api = controlClient(server);
    const merged = await api.post<OpenApiImportResult>('/routes/import-openapi', { document: DOCUMENT });
    assert.equal(merged.status, 200);
    assert.deepEqual(
      {
        added: merged.body.added,
        replaced: merged.body.replaced,
        kept: merged.body.kept,
        removed: merged.body.removed,
      },
      { added: ['read-item', 'create'], replaced: [], kept: ['hello'], removed: [] },
    );
    // One operation the document no longer has: it is removed, the other replaced, the template's route removed.
    const document = JSON.parse(DOCUMENT) as { paths: Record<string, unknown> };
    delete document.paths['/items'];
    (document.paths as Record<string, unknown>)['/orders'] = {
      get: { operationId: 'list-orders', responses: { '200': { description: 'ok' } } },
    };
    for (const dryRun of [true, false]) {
      const replaced = await api.post<OpenApiImportResult>('/routes/import-openapi', {
        document: JSON.stringify(document),
        replaceAll: true,
        dryRun,
      });
      assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
      assert.deepEqual(
        {
          added: replaced.body.added,
          replaced: replaced.body.replaced,
          kept: replaced.body.kept,
          removed: replaced.body.removed,
        },
        { added: ['list-orders'], replaced: ['read-item'], kept: [], removed: ['hello', 'create'] },
        `dryRun ${dryRun}`,
      );
    }
    const routes = await api.get<{ items: { id: string }[] }>('/routes');
    assert.deepEqual(
      routes.body.items.map((route) => route.id),
      ['read-item', 'list-orders'],
    );
  } finally {
    await server.close();
  }
});
