import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { OpenApiImportResult } from '../src/shared/control-api';
import { buildCli } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// Servers of a path or an operation of their own: the mock serves every operation on its one host, under the path
// of the server that applies; one that the real API serves on another host than the document's is said in a
// warning, since a client sends its requests there until pointed at the mock too.

// The engine imports on the npm package's build of the worker (out/lib/).
before(() => buildCli());
const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);
after(() => server.close());

/** A real document: its first server is https://demo.example.com:443/v2; paths and operations have their own. */
const SERVERS = readFileSync('test/fixtures/openapi/oas-examples/server-path-level.json', 'utf8');

const otherHost = (operation: string, host: string, path: string) =>
  `GET ${operation}: the real API serves it on another host, ${host} (its own server; the document's is ` +
  `demo.example.com); the mock serves it with the others, at ${path}: send a client's requests for ${host} to the mock too`;

test("an operation served on another host is mounted under its server's path, and a warning says which host", async () => {
  const imported = await api.post<OpenApiImportResult>('/routes/import-openapi', { document: SERVERS });
  assert.equal(imported.status, 200, JSON.stringify(imported.body));
  assert.deepEqual(
    imported.body.warnings.filter((warning) => warning.includes('another host')),
    [
      otherHost('/operation-server-variables', 'operation.example.com', '/v3/operation-server-variables'),
      otherHost('/path-item-ref-server', 'path-item-ref.example.com', '/path-item-ref-server'),
      otherHost('/path-item-server-source', 'path-item-ref.example.com', '/path-item-server-source'),
      otherHost('/empty-operation-servers', 'empty-operation-path.example.com', '/empty-operation-servers'),
    ],
  );
  // Relative servers (`/v2`, `/v3`) are the document's host: mounted under their path, without a warning.
  for (const path of [
    '/v2/relative-path-server',
    '/v3/relative-operation-server',
    '/v3/operation-server-variables',
    '/path-item-ref-server',
    '/empty-operation-servers',
    '/v2/empty-path-item-servers',
  ])
    assert.equal((await fetch(`${server.url}${path}`)).status, 200, path);
});
