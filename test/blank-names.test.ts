import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { rendererModule } from '../e2e/helpers/renderer-module';
import { RouteSchema } from '../src/shared/mounts/route';
import type { WorkspaceProblem, WorkspaceStatus } from '../src/shared/workspace';
import { buildCli, runCli } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// A name of spaces alone — a workspace's, a mount's, a response's, a scenario's — would show as nothing where people
// look for it (the status bar, a list, the log): the schema refuses it, saying what it needs.

buildCli();
const dir = await workspaceDir();
const NEEDS = 'must contain a non-space character';
const { schemaIssues } = await rendererModule('ui/schema-issues.ts');
const { fieldProblems } = await rendererModule('features/routes/field-problems.ts');

const route = { id: 'a', path: '/a', responses: [{ id: 'ok', body: { json: 1 } }] };

test('the control API refuses a name of spaces alone, at its field; the world is as it was', async () => {
  const file = join(dir, 'edits.agui.json');
  const server = await startWorkspaceEngine(dir, file, { template: 'blank' });
  const api = controlClient(server);
  const refusedAt = async (answer: Promise<{ status: number; body: unknown }>, loc: (string | number)[]) => {
    const { status, body } = await answer;
    assert.equal(status, 422, JSON.stringify(body));
    assert.deepEqual(
      (body as { detail: { loc: unknown[]; msg: string }[] }).detail.map((issue) => [issue.loc, issue.msg]),
      [[['body', ...loc], NEEDS]],
    );
  };
  await refusedAt(api.post('/routes', { ...route, name: '   ' }), ['name']);
  await refusedAt(api.post('/routes', { ...route, name: '' }), ['name']);
  await refusedAt(api.post('/routes', { ...route, responses: [{ ...route.responses[0], name: '\u00a0\t' }] }), [
    'responses',
    0,
    'name',
  ]);
  await refusedAt(api.post('/collections', { id: 'c', path: '/c', name: ' ' }), ['name']);
  await refusedAt(api.post('/scenarios', { id: 's', name: '  ', triggers: [], steps: [] }), ['name']);
  await refusedAt(api.post('/workspace/new', { template: 'blank', name: ' \u3000 ' }), ['name']);
  assert.equal((await api.get<{ total: number }>('/routes')).body.total, 1, 'the template route alone');
  // A name with a letter among its spaces is a name.
  assert.equal((await api.post('/routes', { ...route, name: '  a  ' })).status, 201);
});

test('a file on disk with a name of spaces alone is refused with one line per place, not loaded; open, validate and serve say so', async () => {
  const file = join(dir, 'spaces.agui.json');
  const text = JSON.stringify({ version: 2, name: '   ', routes: [{ ...route, name: ' ' }] }, null, 2);
  await writeFile(file, text);
  const server = await startWorkspaceEngine(dir, join(dir, 'current.agui.json'), { template: 'blank' });
  const api = controlClient(server);
  const opened = await api.post<{ detail: WorkspaceProblem }>('/workspace/open', { path: file });
  assert.equal(opened.status, 422);
  assert.equal(opened.body.detail.message, `${file}: name: ${NEEDS} (and 1 more problem)`);
  assert.deepEqual(opened.body.detail.otherProblems, [{ path: 'routes.0.name', problem: NEEDS }]);
  assert.equal((await api.get<WorkspaceStatus>('/workspace')).body.name, 'current', 'the current workspace stays');

  const validate = runCli(['validate', file]);
  assert.equal((await validate.exited()).code, 1);
  assert.match(
    validate.stderr(),
    new RegExp(`spaces\\.agui\\.json: name: ${NEEDS} \\(and 1 more problem\\)\\n  routes\\.0\\.name: ${NEEDS}`),
  );
  const serve = runCli(['serve', '--port', '0', '--quiet', '--workspace', file], { AGUI_MOCK_CONFIG_DIR: dir });
  assert.equal((await serve.exited()).code, 1);
  assert.match(serve.stderr(), new RegExp(`cannot start: .*spaces\\.agui\\.json: name: ${NEEDS}`));
  assert.equal(await readFile(file, 'utf8'), text, 'the file is left for its author');
});

test("the console's mount editor shows the schema's words at the Name field", () => {
  const problems = fieldProblems(schemaIssues(RouteSchema, { ...route, name: '  ' }), []);
  assert.equal(problems.at('name'), NEEDS);
});
