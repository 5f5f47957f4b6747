import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { findDuplicateJsonKey } from '../src/server/support/json-text-scan';
import { WorkspaceError } from '../src/server/workspace/workspace-error';
import type { WorkspaceProblem, WorkspaceStatus } from '../src/shared/workspace';
import { buildCli, CLI } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { eventually } from './helpers/wait';
import { startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// A key written twice in one object of a workspace file (two "routes" after a hand edit): JSON.parse keeps the last
// without a word, so the first was dropped from what was served and, at the next autosave, from the file for good.
// The file is refused instead, naming the place (line:column, JSON path) and the first copy.

const dir = await workspaceDir();
before(() => buildCli());

const GOOD = {
  version: 2,
  name: 'dup',
  collections: [{ id: 'books', path: '/books', records: [{ id: 1, title: 'Dune' }] }],
  routes: [{ id: 'c', path: '/c', responses: [{ id: 'r', body: { json: 'C' } }] }],
};
/** The report's file: two "routes", the first with routes a and b. */
const TWO_ROUTES =
  '{"version": 2, "name": "dup",\n' +
  ' "routes": [{"id": "a", "path": "/a", "responses": [{"id": "r", "body": {"json": "A"}}]},\n' +
  '            {"id": "b", "path": "/b", "responses": [{"id": "r", "body": {"json": "B"}}]}],\n' +
  ' "collections": [{"id": "books", "path": "/books", "records": [{"id": 1, "title": "Dune"}]}],\n' +
  ' "routes": [{"id": "c", "path": "/c", "responses": [{"id": "r", "body": {"json": "C"}}]}]\n' +
  '}\n';
const PROBLEM =
  /the key "routes" is written twice in one object \(first at line 2, column 2\): only the last would be read, and the other lost at the next save/;
/** A record with its title twice, the second with a `\u` escape in the name. */
const RECORD_TWICE = JSON.stringify(GOOD).replace('"title":"Dune"', '"title":"Dune",\n"t\\u0069tle":"Dune II"');

function validate(file: string) {
  const result = spawnSync(process.execPath, [CLI, 'validate', file], {
    encoding: 'utf8',
    env: { ...process.env, AGUI_MOCK_CONFIG_DIR: dir },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('validate: a key written twice in one object is refused with its line:column and path', async () => {
  const file = join(dir, 'validate.agui.json');
  await writeFile(file, TWO_ROUTES);
  const result = validate(file);
  assert.equal(result.code, 1, result.stdout);
  assert.match(result.stderr, /validate\.agui\.json:5:2: routes: /);
  assert.match(result.stderr, PROBLEM);

  const name = join(dir, 'name.agui.json');
  await writeFile(name, '{"version":2,"name":"x","name":"y"}');
  const named = validate(name);
  assert.equal(named.code, 1, named.stdout);
  assert.match(
    named.stderr,
    /name\.agui\.json:1:25: name: the key "name" is written twice in one object \(first at line 1, column 14\)/,
  );

  const record = join(dir, 'record.agui.json');
  await writeFile(record, RECORD_TWICE);
  const deep = validate(record);
  assert.equal(deep.code, 1, deep.stdout);
  assert.match(
    deep.stderr,
    /record\.agui\.json:2:1: collections\.0\.records\.0\.title: the key "title" is written twice/,
  );

  // The same key in different objects, and key-like text inside strings, are no duplicates.
  const fine = join(dir, 'fine.agui.json');
  await writeFile(fine, JSON.stringify({ ...GOOD, description: 'a "name": twice, {"name": 1}' }));
  const valid = validate(fine);
  assert.equal(valid.code, 0, valid.stderr);
});

test('serve: a file with a key written twice does not start, and is left as it is', async () => {
  const file = join(dir, 'start.agui.json');
  await writeFile(file, TWO_ROUTES);
  await assert.rejects(
    startWorkspaceEngine(dir, file),
    (error: unknown) =>
      error instanceof WorkspaceError &&
      error.path === 'routes' &&
      error.line === 5 &&
      error.column === 2 &&
      PROBLEM.test(error.problem),
  );
  assert.equal(await readFile(file, 'utf8'), TWO_ROUTES);
});

test('a served file changed on disk to have a key twice: reported, the old world keeps serving, the file is not saved over', async () => {
  const file = join(dir, 'reload.agui.json');
  await writeFile(file, JSON.stringify(GOOD));
  const server = await startWorkspaceEngine(dir, file, {
    logger: { info: () => {}, warn: () => {}, error: () => {} },
  });
  await writeFile(file, TWO_ROUTES);
  await eventually(() => server.workspace.status().error !== null, 'the problem to show');
  const { error } = server.workspace.status();
  assert.equal(error?.operation, 'watch');
  assert.equal(error?.path, 'routes');
  assert.deepEqual([error?.line, error?.column], [5, 2]);
  assert.match(error?.problem ?? '', PROBLEM);
  assert.equal((await fetch(`${server.url}/a`)).status, 404, 'nothing of the new file is loaded');
  assert.deepEqual(await (await fetch(`${server.url}/c`)).json(), 'C');
  // A change to the world (what the report's POST did) is not autosaved over the file its author is fixing.
  const posted = await fetch(`${server.url}/books`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'x' }),
  });
  assert.equal(posted.status, 201);
  await eventually(() => server.workspace.status().dirty, 'the change to be unsaved');
  // A negative check: four times the 50 ms autosave delay pass without a write (there is no event to wait for).
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(await readFile(file, 'utf8'), TWO_ROUTES, 'routes a and b are still in the file');
});

test('open through the control API: a file with a key twice is a 422 naming the place, the world unchanged', async () => {
  const file = join(dir, 'current.agui.json');
  await writeFile(file, JSON.stringify(GOOD));
  const server = await startWorkspaceEngine(dir, file);
  const api = controlClient(server);
  const other = join(dir, 'open.agui.json');
  await writeFile(other, RECORD_TWICE);
  const refused = await api.post<{ detail: WorkspaceProblem }>('/workspace/open', { path: other });
  assert.equal(refused.status, 422);
  assert.equal(refused.body.detail.path, 'collections.0.records.0.title');
  assert.deepEqual([refused.body.detail.line, refused.body.detail.column], [2, 1]);
  assert.match(
    refused.body.detail.problem,
    /the key "title" is written twice in one object \(first at line 1, column /,
  );
  const status = (await api.get<WorkspaceStatus>('/workspace')).body;
  assert.equal(status.path, file);
  assert.equal(await readFile(other, 'utf8'), RECORD_TWICE);
});

test('import through the control API: a body with a key twice is a 422 naming the place, the world unchanged', async () => {
  const file = join(dir, 'import-target.agui.json');
  await writeFile(file, JSON.stringify(GOOD));
  const server = await startWorkspaceEngine(dir, file);
  // The body as a file holds it (`curl --data-binary @file`): open refuses it, so an import must not drop route a
  // and b without a word.
  const response = await fetch(`${server.url}/__console/api/workspace/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: TWO_ROUTES,
  });
  assert.equal(response.status, 422);
  const { detail } = (await response.json()) as { detail: WorkspaceProblem };
  assert.equal(detail.file, 'import');
  assert.equal(detail.path, 'routes');
  assert.deepEqual([detail.line, detail.column], [5, 2]);
  assert.match(detail.problem, PROBLEM);
  assert.deepEqual(await (await fetch(`${server.url}/c`)).json(), 'C', 'the world is as it was');
  assert.equal(server.workspace.status().dirty, false);
});

test('findDuplicateJsonKey: keys compared as JSON reads them, strings and nesting skipped over', () => {
  assert.equal(findDuplicateJsonKey('{"a":{"x":1},"b":{"x":1,"y":{"x":2}},"c":[{"x":1},{"x":1}],"d":{}}'), undefined);
  assert.equal(
    findDuplicateJsonKey('[{}, "a", {"a": 1}, {"b": "\\\\", "c": "\\"b\\": {", "d": ["b"], "b2": 2}]'),
    undefined,
  );
  assert.equal(findDuplicateJsonKey('"just a string"'), undefined);
  assert.deepEqual(findDuplicateJsonKey('{"c":[{"x":1},{"x":1,\n "\\u0078":3}]}'), {
    key: 'x',
    path: ['c', 1, 'x'],
    line: 2,
    column: 2,
    first: { line: 1, column: 16 },
  });
  // A key after a string that ends in an escaped backslash, and after an emptied object at the same level.
  assert.deepEqual(findDuplicateJsonKey('{"a":{},"b":{"k":"\\\\","k":2}}')?.path, ['b', 'k']);
  assert.deepEqual(findDuplicateJsonKey('{"":1,"":2}')?.key, '');
});
