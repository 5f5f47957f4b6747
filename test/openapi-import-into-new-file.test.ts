import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mock, test } from 'node:test';
import type { ImportOpenApiOptions } from '../src/cli/cli-options';
import { importOpenApiCommand } from '../src/cli/import-openapi-command';
import type { AtomicWriteHooks } from '../src/server/workspace/atomic-file';
import { encodeWorkspace } from '../src/server/workspace/workspace-codec';
import { newWorkspaceDocument } from '../src/server/workspace/workspace-file';
import { workspaceDir } from './helpers/workspace-files';

// `import-openapi --into` a file that is not there creates it, and never writes over one that appears meanwhile (an
// editor saving, another import): found missing at the start, it is created only if still missing at the write.

const dir = await workspaceDir();

const DOCUMENT = JSON.stringify({
  openapi: '3.1.0',
  info: { title: 'T', version: '1' },
  paths: { '/items': { get: { operationId: 'list-items', responses: { '200': { description: 'ok' } } } } },
});

/** The command run in this process (so a hook can act mid-write), with what it printed. */
async function importInto(into: string, spec: string, hooks: AtomicWriteHooks = {}) {
  let stdout = '';
  let stderr = '';
  const out = mock.method(process.stdout, 'write', (chunk: string) => {
    stdout += chunk;
    return true;
  });
  const err = mock.method(process.stderr, 'write', (chunk: string) => {
    stderr += chunk;
    return true;
  });
  try {
    const options: ImportOpenApiOptions = {
      command: 'import-openapi',
      spec,
      into,
      basePath: undefined,
      replace: false,
      dryRun: false,
    };
    const code = await importOpenApiCommand(options, hooks);
    return { code, stdout, stderr };
  } finally {
    out.mock.restore();
    err.mock.restore();
  }
}

const workspaceOf = async (file: string) =>
  JSON.parse(await readFile(file, 'utf8')) as { name: string; routes: { id: string }[] };

test('import-openapi --into a new file that another process creates meanwhile: theirs is kept, one line names it', async () => {
  const spec = join(dir, 'items.openapi.json');
  await writeFile(spec, DOCUMENT);
  const into = join(dir, 'meanwhile.agui.json');
  const theirs = encodeWorkspace(newWorkspaceDocument(into, 'blank', Date.now(), 'theirs'));
  // Made after the import found the file missing, before its complete copy lands: written over, before.
  const refused = await importInto(into, spec, { beforeRename: () => writeFile(into, theirs) });
  assert.equal(refused.code, 1, refused.stdout);
  assert.equal(refused.stdout, '');
  assert.equal(
    refused.stderr,
    `agui-mock: ${into}: the file already exists; it appeared while the import ran and was left as it is: ` +
      'import again to merge into it\n',
  );
  assert.equal(await readFile(into, 'utf8'), theirs);
  assert.deepEqual(
    (await readdir(dir)).filter((name) => name.endsWith('.tmp')),
    [],
  );

  // Imported again as the line says: merged into theirs, as into any file that is there.
  const merged = await importInto(into, spec);
  assert.equal(merged.code, 0, merged.stderr);
  assert.match(
    merged.stdout,
    /imported "T": 1 route\(s\) added \(list-items\), 0 replaced, 1 kept → .*meanwhile\.agui\.json\n$/,
  );
  const workspace = await workspaceOf(into);
  assert.equal(workspace.name, 'theirs');
  assert.deepEqual(
    workspace.routes.map((route) => route.id),
    ['hello', 'list-items'],
  );
});
