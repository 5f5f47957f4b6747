import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { OpenApiImportResult } from '../src/shared/control-api';
import { buildCli, runCli } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { workspaceDir } from './helpers/workspace-files';

// An import reads documents up to 32 MiB — GitHub's REST API description is 13 MB — from the console, the control API
// and the CLI; past that it is refused saying the document's size, the limit, and what to do.

const LIMIT = 32 * 1024 * 1024;
const dir = await workspaceDir();
before(() => buildCli());
const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);
after(() => server.close());

/** A real document, padded (an `x-` extension, which the import passes over) to `bytes` and a little more. */
function padded(bytes: number): string {
  const document = JSON.parse(readFileSync('test/fixtures/openapi/oas-examples/parameters-common.json', 'utf8'));
  return JSON.stringify({ ...document, 'x-padding': 'x'.repeat(bytes) });
}

test('the console and the control API import a document past the former 10 MiB, and refuse one past 32 MiB', async () => {
  const large = await api.post<OpenApiImportResult>('/routes/import-openapi', { document: padded(13_000_000) });
  assert.equal(large.status, 200, JSON.stringify(large.body).slice(0, 300));
  assert.equal(large.body.added.length, 5);

  const tooLarge = padded(LIMIT);
  const refused = await api.post<{ detail: { loc: unknown[]; msg: string }[] }>('/routes/import-openapi', {
    document: tooLarge,
  });
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.body.detail[0]?.loc, ['body', 'document']);
  assert.equal(
    refused.body.detail[0]?.msg,
    `String should have at most ${LIMIT} characters: the document is ${tooLarge.length} characters, more than the import's limit of 32 MiB: import it in parts (documents of fewer paths)`,
  );
});

test('import-openapi reads a file past the former 10 MiB, and refuses one past 32 MiB', async () => {
  const file = join(dir, 'large.json');
  await writeFile(file, padded(13_000_000));
  // Run without holding the event loop (`finished`): this file's engine serves beside it.
  const imported = await runCli(['import-openapi', file]).finished();
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal((JSON.parse(imported.stdout) as { routes: unknown[] }).routes.length, 5);

  await truncate(file, LIMIT + 1);
  const refused = await runCli(['import-openapi', file]).finished();
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, `agui-mock: ${file} is larger than 32 MiB: not an API description to import\n`);
});
