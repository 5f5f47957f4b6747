import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildCli, CLI, type CliRun, runCli } from './helpers/cli-process';
import { workspaceDir } from './helpers/workspace-files';

// A file name is text from the repository under review: every line the CLI prints that names one keeps to its line,
// since a CI log (GitHub Actions) reads `::error::` at a line's start as a command.

const dir = await workspaceDir();
const env = { ...process.env, AGUI_MOCK_CONFIG_DIR: dir };
const FORGING = 'a\n::error::x.json';
/** How the name shows: its line break as the JSON escape. */
const SHOWN = /a\\n::error::x\.json/;
const running: CliRun[] = [];

before(() => buildCli());
after(() => {
  for (const run of running) run.child.kill('SIGKILL');
});

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env });
  return { code: result.status, output: result.stdout + result.stderr };
}

function assertKeptToItsLine(output: string): void {
  assert.doesNotMatch(output, /^::error::/m, output);
  assert.match(output, SHOWN, output);
}

test('init, validate and import-openapi show a file name with a line break escaped, in success, warning and refusal', async () => {
  const file = join(dir, FORGING);
  const created = cli(['init', file, '--template', 'blank']);
  assert.equal(created.code, 0, created.output);
  assertKeptToItsLine(created.output);
  const again = cli(['init', file]);
  assert.equal(again.code, 1);
  assertKeptToItsLine(again.output);

  const valid = cli(['validate', file]);
  assert.equal(valid.code, 0, valid.output);
  assertKeptToItsLine(valid.output);
  const route = { id: 'r', method: 'GET', path: '/r', responses: [{ id: 'a', body: { file: 'gone.json' } }] };
  const warned = join(dir, `warned-${FORGING}`);
  await writeFile(warned, JSON.stringify({ version: 2, name: 'w', routes: [route] }));
  const warning = cli(['validate', warned]);
  assert.equal(warning.code, 0, warning.output);
  assert.match(warning.output, /warning: routes\.0\.responses\.0\.body\.file: gone\.json/);
  assertKeptToItsLine(warning.output);
  const extra = cli(['validate', file, FORGING]);
  assert.equal(extra.code, 2);
  assertKeptToItsLine(extra.output);

  const spec = join(dir, 'spec.json');
  const paths = { '/greeting': { get: { responses: { '200': { description: 'hi' } } } } };
  await writeFile(spec, JSON.stringify({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths }));
  const imported = cli(['import-openapi', spec, '--into', file]);
  assert.equal(imported.code, 0, imported.output);
  assertKeptToItsLine(imported.output);
});

test('serve shows a workspace file name with a line break escaped, creating it and opening it', async () => {
  const file = join(dir, `served-${FORGING}`);
  for (const notice of [/did not exist: created it/, /^workspace /m]) {
    const run = runCli(['serve', '--port', '0', '--quiet', '--workspace', file], env);
    running.push(run);
    await run.waitFor(/Press Ctrl\+C to stop/);
    assert.match(run.stdout(), notice);
    assert.match(run.stdout(), /^ {2}Workspace {3}.*a\\n::error::x\.json$/m, 'the banner too');
    assertKeptToItsLine(run.stdout());
    run.child.kill('SIGTERM');
    assert.equal((await run.exited()).code, 0, run.stderr());
  }
});
