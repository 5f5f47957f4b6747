import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { OpenApiImportResult } from '../src/shared/control-api';
import { buildCli, runCli } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { workspaceDir } from './helpers/workspace-files';

// A base path no route's path may start with (a `..` segment, the console's /__console) is refused once, before
// the document is read and with nothing written, rather than imported as zero routes and a warning per operation.

const dir = await workspaceDir();
before(() => buildCli());
const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);
after(() => server.close());

const document = (servers: { url: string }[] = []) =>
  JSON.stringify({
    openapi: '3.1.0',
    info: { title: 'T', version: '1' },
    servers,
    paths: { '/items': { get: { responses: { '200': { description: 'ok' } } } } },
  });

const DOT_SEGMENT = /a path segment "\." or "\.\." is resolved by clients .*: write the path without it/;
const CONSOLE = /paths under \/__console belong to the console/;
const REFUSED: [string, RegExp][] = [
  ['/x/../y', DOT_SEGMENT],
  ['/x/%2E%2e/y/', DOT_SEGMENT],
  ['/__console', CONSOLE],
];

test('import-openapi --base-path that no route can have under it: a usage error saying why, no file written', async () => {
  const spec = join(dir, 'spec.json');
  await writeFile(spec, document());
  // Each into a file of its own, so all four run at once: the accepted one reads and imports the document (over a
  // second of CPU, the OpenAPI reader and its validator loaded), each refused one only checks its argument.
  const into = (index: number) => join(dir, `refused-${index}.agui.json`);
  const [accepted, ...refusals] = await Promise.all([
    runCli(['import-openapi', spec, '--base-path', '/x/y', '--into', join(dir, 'accepted.agui.json')]).finished(),
    ...REFUSED.map(([basePath], index) =>
      runCli(['import-openapi', spec, '--base-path', basePath, '--into', into(index)]).finished(),
    ),
  ]);
  for (const [index, [basePath, why]] of REFUSED.entries()) {
    const refused = refusals[index];
    assert.equal(refused?.code, 2, refused?.stderr);
    const line = refused?.stderr.split('\n')[0] ?? '';
    assert.ok(line.startsWith(`agui-mock: --base-path '${basePath}': no route can have a path under it: `), line);
    assert.match(line, why);
    assert.doesNotMatch(refused?.stderr ?? '', /warning/);
    assert.equal(existsSync(into(index)), false, basePath);
  }
  assert.equal(accepted.code, 0, accepted.stderr);
  assert.match(accepted.stdout, /1 route\(s\) added/);
});

test('the control API: a basePath no route can have under it is a 422 at body.basePath, the routes unchanged', async () => {
  for (const [basePath, why] of REFUSED)
    for (const dryRun of [true, false]) {
      const refused = await api.post<{ detail: { loc: string[]; msg: string }[] }>('/routes/import-openapi', {
        document: document(),
        basePath,
        dryRun,
      });
      assert.equal(refused.status, 422, JSON.stringify(refused.body));
      const [issue, ...others] = refused.body.detail;
      assert.deepEqual(issue?.loc, ['body', 'basePath']);
      assert.match(issue?.msg ?? '', why);
      assert.deepEqual(others, []);
    }
  const routes = await api.get<{ items: { id: string }[] }>('/routes');
  assert.deepEqual(
    routes.body.items.map((route) => route.id),
    ['hello'],
  );
});

test("a document whose first server's path no route can have under it is refused once, saying to give a base path", async () => {
  const text = document([{ url: 'https://example.com/__console/' }]);
  const spec = join(dir, 'console-server.json');
  await writeFile(spec, text);
  // The engine's import (on its worker thread) and the CLI's (a process of its own) share nothing: run at once.
  const [refused, cliRefused] = await Promise.all([
    api.post<{ detail: string }>('/routes/import-openapi', { document: text, dryRun: true }),
    runCli(['import-openapi', spec]).finished(),
  ]);
  assert.equal(refused.status, 422, JSON.stringify(refused.body));
  assert.match(refused.body.detail, /no route can have a path under \/__console, the path of the document's first/);
  assert.match(refused.body.detail, /give another base path, \/ for none$/);

  assert.equal(cliRefused.code, 1);
  assert.match(cliRefused.stderr, CONSOLE);
  const given = await api.post<OpenApiImportResult>('/routes/import-openapi', { document: text, basePath: '/' });
  assert.equal(given.status, 200, JSON.stringify(given.body));
  assert.deepEqual(given.body.warnings, []);
  assert.equal(given.body.added.length, 1);
});
