import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { decodeWorkspaceValue } from '../src/server/workspace/workspace-codec';
import { WorkspaceError } from '../src/server/workspace/workspace-error';
import type { WorkspaceProblem, WorkspaceStatus } from '../src/shared/workspace';
import { buildCli, CLI } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { eventually } from './helpers/wait';
import { startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// A key named `__proto__` in a workspace is refused, as in any JSON the engine is sent: read from a file (validate,
// a start, a reload) or imported. Accepted, it was dropped from what was served and erased from the file at the
// next save.

const dir = await workspaceDir();
before(() => buildCli());

const GOOD = {
  version: 2,
  name: 'proto',
  collections: [{ id: 'c', path: '/c', records: [{ id: 1, title: 'a' }] }],
  routes: [{ id: 'r', path: '/r', responses: [{ id: 'x', body: { json: { ok: 1 } } }] }],
};
/** The key in a record and in a route's JSON body, as an editor would write it. */
const WITH_KEY =
  '{"version":2,"name":"proto",\n' +
  ' "collections":[{"id":"c","path":"/c","records":[{"id":1,"title":"a","__proto__":{"admin":true}}]}],\n' +
  ' "routes":[{"id":"r","path":"/r","responses":[{"id":"x","body":{"json":{"__proto__":{"admin":true},"ok":1}}}]}]}\n';
/** Only in the route's body, with a `\u` escape in its name. */
const ESCAPED_IN_BODY = WITH_KEY.replace(',"__proto__":{"admin":true}}', '}').replace(
  '"__proto__":{"admin":true},"ok"',
  '"\\u005f_proto__":{"admin":true},"ok"',
);
const RECORD_KEY = 'collections.0.records.0.__proto__';
const PROBLEM = /a key named "__proto__" is not accepted in a workspace \(it would be lost\): rename the key/;

function validate(file: string) {
  const result = spawnSync(process.execPath, [CLI, 'validate', file], {
    encoding: 'utf8',
    env: { ...process.env, AGUI_MOCK_CONFIG_DIR: dir },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('validate: a file with a "__proto__" key is invalid, the key named by its path', async () => {
  const file = join(dir, 'validate.agui.json');
  await writeFile(file, WITH_KEY);
  const result = validate(file);
  assert.equal(result.code, 1, result.stdout);
  assert.match(result.stderr, new RegExp(`validate\\.agui\\.json: ${RECORD_KEY.replaceAll('.', '\\.')}: `));
  assert.match(result.stderr, PROBLEM);

  const escaped = join(dir, 'escaped.agui.json');
  await writeFile(escaped, ESCAPED_IN_BODY);
  const other = validate(escaped);
  assert.equal(other.code, 1, other.stdout);
  assert.match(other.stderr, /escaped\.agui\.json: routes\.0\.responses\.0\.body\.json\.__proto__: /);

  // The word as a value, or in a longer key, is no such key.
  const fine = join(dir, 'fine.agui.json');
  await writeFile(fine, JSON.stringify({ ...GOOD, description: '"__proto__": x' }).replace('"ok"', '"__proto__x"'));
  const valid = validate(fine);
  assert.equal(valid.code, 0, valid.stderr);
});

test('serve: a file with a "__proto__" key does not start, and is left as it is', async () => {
  const file = join(dir, 'start.agui.json');
  await writeFile(file, WITH_KEY);
  await assert.rejects(
    startWorkspaceEngine(dir, file),
    (error: unknown) => error instanceof WorkspaceError && error.path === RECORD_KEY && PROBLEM.test(error.problem),
  );
  assert.equal(await readFile(file, 'utf8'), WITH_KEY);
});

test('a served file changed on disk to have a "__proto__" key: reported, the old world keeps serving', async () => {
  const file = join(dir, 'reload.agui.json');
  await writeFile(file, JSON.stringify(GOOD));
  const server = await startWorkspaceEngine(dir, file);
  await writeFile(file, WITH_KEY);
  await eventually(() => server.workspace.status().error !== null, 'the problem to show');
  const { error, name } = server.workspace.status();
  assert.equal(error?.operation, 'watch');
  assert.equal(error?.path, RECORD_KEY);
  assert.match(error?.problem ?? '', PROBLEM);
  assert.equal(name, 'proto');
  assert.deepEqual(await (await fetch(`${server.url}/c/1`)).json(), { id: 1, title: 'a' });
  assert.deepEqual(await (await fetch(`${server.url}/r`)).json(), { ok: 1 });
  // A change to the world is not saved over the file its author is fixing.
  const changed = await fetch(`${server.url}/c/1`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'b' }),
  });
  assert.equal(changed.status, 200);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(await readFile(file, 'utf8'), WITH_KEY, 'the file is left for its author');
});

test('import and open through the control API: a document with a "__proto__" key is refused, the world unchanged', async () => {
  const file = join(dir, 'import.agui.json');
  await writeFile(file, JSON.stringify(GOOD));
  const server = await startWorkspaceEngine(dir, file);
  const api = controlClient(server);
  // Parsed, the key is an own property that `JSON.stringify` writes back: the body sent has it as written.
  const document = { ...JSON.parse(WITH_KEY), name: 'imported' };
  const refused = await api.post<{ detail: WorkspaceProblem | string }>('/workspace/import', document);
  assert.ok(refused.status === 400 || refused.status === 422, `refused (got ${refused.status})`);
  assert.match(JSON.stringify(refused.body.detail), /"__proto__\\?" is not accepted/);
  assert.match(JSON.stringify(refused.body.detail), /collections.0.records.0.__proto__/);
  // Opening such a file through the control API: a 422 with the problem, as for any invalid file.
  const other = join(dir, 'open.agui.json');
  await writeFile(other, WITH_KEY);
  const notOpened = await api.post<{ detail: WorkspaceProblem }>('/workspace/open', { path: other });
  assert.equal(notOpened.status, 422);
  assert.equal(notOpened.body.detail.path, RECORD_KEY);
  assert.match(notOpened.body.detail.problem, PROBLEM);

  const status = (await api.get<WorkspaceStatus>('/workspace')).body;
  assert.equal(status.name, 'proto');
  assert.equal(status.dirty, false);
  assert.equal(await readFile(file, 'utf8'), JSON.stringify(GOOD));
  assert.equal(await readFile(other, 'utf8'), WITH_KEY);
});

test('a parsed document with a "__proto__" key, decoded without its text (import, OpenAPI import): refused', () => {
  for (const [text, path] of [
    [WITH_KEY, RECORD_KEY],
    [ESCAPED_IN_BODY, 'routes.0.responses.0.body.json.__proto__'],
  ] as const) {
    assert.throws(
      () => decodeWorkspaceValue(JSON.parse(text), join(dir, 'import')),
      (error: unknown) => error instanceof WorkspaceError && error.path === path && PROBLEM.test(error.problem),
    );
  }
  assert.doesNotThrow(() => decodeWorkspaceValue(JSON.parse(JSON.stringify(GOOD)), join(dir, 'import')));
});
