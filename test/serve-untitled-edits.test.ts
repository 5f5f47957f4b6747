import assert from 'node:assert/strict';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { buildCli, CLI, type CliRun, runCommand } from './helpers/cli-process';
import { readJson, workspaceDir } from './helpers/workspace-files';

// `agui-mock serve` without a file keeps the world in memory: Ctrl+C used to drop what a person made in the console
// without a word. It now keeps those changes in `untitled.unsaved-<time>.json` where serve was started.

const dir = await workspaceDir();
const TOKEN = 'untitled-edits-token';
const running: CliRun[] = [];

before(() => buildCli());
after(() => {
  for (const run of running) run.child.kill('SIGKILL');
});

/** `serve` with no workspace, started in a folder of its own (its settings in another: no workspace there). */
async function serveUntitled(name: string): Promise<{ run: CliRun; url: string; folder: string }> {
  const folder = join(dir, name);
  await mkdir(folder);
  const run = runCommand(process.execPath, [resolve(CLI), 'serve', '--port', '0', '--quiet', '--token', TOKEN], {
    cwd: folder,
    env: { ...process.env, AGUI_MOCK_CONFIG_DIR: join(dir, `${name}-config`) },
  });
  running.push(run);
  const [, url] = await run.waitFor(/HTTP\s+(\S+)/);
  return { run, url: url as string, folder };
}

function editInConsole(url: string): Promise<Response> {
  return fetch(`${url}/__console/api/server/settings`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ approvalTimeoutMs: 4321 }),
  });
}

const copies = async (folder: string) => (await readdir(folder)).filter((name) => name.startsWith('untitled.'));

test('Ctrl+C keeps the console changes of an untitled world in a file where serve started, and says where', async () => {
  const { run, url, folder } = await serveUntitled('edited');
  assert.match(run.stdout(), /untitled, in memory .*Ctrl\+C keeps its console changes/);
  assert.equal((await editInConsole(url)).status, 200);
  run.child.kill('SIGINT');
  assert.equal((await run.exited()).code, 0);

  const [copy, ...more] = await copies(folder);
  assert.equal(more.length, 0, 'one copy');
  assert.match(copy ?? '', /^untitled\.unsaved-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.json$/);
  const path = join(folder, copy as string);
  assert.match(run.stdout(), new RegExp(`console changes are kept in ${path.replaceAll('.', '\\.')}`));
  assert.ok(run.stdout().includes(`agui-mock serve --workspace ${path} opens them`), run.stdout());
  assert.equal((await stat(path)).mode & 0o777, 0o600, "the owner's alone: a workspace may hold keys");
  const kept = (await readJson(path)) as { settings: { approvalTimeoutMs: number } };
  assert.equal(kept.settings.approvalTimeoutMs, 4321);

  // It is a workspace serve opens, with the change in it.
  const reopened = runCommand(
    process.execPath,
    [resolve(CLI), 'serve', '--port', '0', '--quiet', '--token', TOKEN, '--workspace', path],
    { env: { ...process.env, AGUI_MOCK_CONFIG_DIR: join(dir, 'edited-config') } },
  );
  running.push(reopened);
  const [, reopenedUrl] = await reopened.waitFor(/HTTP\s+(\S+)/);
  const server = await fetch(`${reopenedUrl}/__console/api/server`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(((await server.json()) as { settings: { approvalTimeoutMs: number } }).settings.approvalTimeoutMs, 4321);
  reopened.child.kill('SIGTERM');
  assert.equal((await reopened.exited()).code, 0);
});

test('Ctrl+C whose copy of the console changes cannot be written exits 3, saying they were lost', async () => {
  const { run, url, folder } = await serveUntitled('unwritable');
  assert.equal((await editInConsole(url)).status, 200);
  // A file where serve's folder was: no copy can be written there.
  await rm(folder, { recursive: true });
  await writeFile(folder, 'not a folder');
  run.child.kill('SIGINT');
  // Before, exit 0: the changes gone, and only the log said so.
  assert.deepEqual(await run.exited(), { code: 3, signal: null }, run.stderr());
  assert.match(run.stderr(), /workspace: the untitled world's console changes lost: keeping them in .* failed/);
  assert.match(run.stderr(), /agui-mock: stopped, but unsaved changes were lost \(said above\): exit 3\n$/);
});

test('Ctrl+C writes nothing when only clients changed the untitled world', async () => {
  const { run, url, folder } = await serveUntitled('traffic');
  // A run recorded by the agora pack changes the world (dirty), not through the console (not edited).
  const ran = await fetch(`${url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      threadId: 'thread-1',
      runId: 'run-1',
      messages: [{ id: 'm1', role: 'user', content: 'hallo' }],
      tools: [],
      context: [],
      state: {},
      forwardedProps: {},
    }),
  });
  assert.equal(ran.status, 200);
  await ran.text();
  run.child.kill('SIGINT');
  assert.equal((await run.exited()).code, 0);
  assert.deepEqual(await copies(folder), []);
  assert.doesNotMatch(run.stdout(), /kept in/);
});

test('SIGTERM (a service manager, CI) stops without writing the console changes anywhere', async () => {
  const { run, url, folder } = await serveUntitled('terminated');
  assert.equal((await editInConsole(url)).status, 200);
  run.child.kill('SIGTERM');
  assert.equal((await run.exited()).code, 0);
  assert.deepEqual(await copies(folder), []);
});
