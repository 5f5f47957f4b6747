import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { silentLogger } from '../src/server/index';
import type { RecentWorkspace, WorkspaceStatus } from '../src/shared/workspace';
import { buildCli, type CliRun, runCli } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { WAIT_MS } from './helpers/wait';
import { workspaceDir } from './helpers/workspace-files';

// The user's recent-workspaces list (recent.json): shared by every engine on the machine, kept by the desktop app and
// `serve`, left alone by library starts (a test suite's temp files are not the user's workspaces).

const dir = await workspaceDir();
const running: CliRun[] = [];

before(() => buildCli());
after(() => {
  for (const run of running) run.child.kill('SIGKILL');
});

async function recentPaths(configDir: string): Promise<string[]> {
  const text = await readFile(join(configDir, 'recent.json'), 'utf8');
  return (JSON.parse(text) as { workspaces: RecentWorkspace[] }).workspaces.map((item) => item.path);
}

const exists = (file: string) =>
  readFile(file).then(
    () => true,
    () => false,
  );

test('a library start neither writes the user recent list nor shows it, unless asked', async () => {
  const configDir = join(dir, 'library-config');
  await mkdir(configDir);
  const others = join(configDir, 'recent.json');
  const otherProject = { path: '/elsewhere/other.agui.json', name: 'other', openedAt: 1 };
  await writeFile(others, JSON.stringify({ workspaces: [otherProject] }));

  const quiet = await startTestEngine({ workspace: join(dir, 'quiet.agui.json'), workspaceOptions: { configDir } });
  const status = await controlClient(quiet).get<WorkspaceStatus>('/workspace');
  assert.deepEqual(status.body.recent, [], "another project's path is not shown to a test");
  assert.deepEqual((await controlClient(quiet).get<{ items: unknown[] }>('/workspace/recent')).body.items, []);
  await quiet.close();
  assert.deepEqual(await recentPaths(configDir), [otherProject.path], 'the test file is not added');

  const asked = join(dir, 'asked.agui.json');
  const recording = await startTestEngine({
    workspace: asked,
    recentWorkspaces: true,
    workspaceOptions: { configDir },
  });
  const shown = await controlClient(recording).get<WorkspaceStatus>('/workspace');
  assert.deepEqual(
    shown.body.recent.map((item) => item.path),
    [asked, otherProject.path],
  );
  assert.deepEqual(await recentPaths(configDir), [asked, otherProject.path]);
});

test('an old entry whose name is only spaces (refused by the schema now) is shown by its file name', async () => {
  const configDir = join(dir, 'blank-name-config');
  await mkdir(configDir);
  const blank = { path: '/elsewhere/shop.agui.json', name: '   ', openedAt: 2 };
  const named = { path: '/elsewhere/other.agui.json', name: 'Other', openedAt: 1 };
  await writeFile(join(configDir, 'recent.json'), JSON.stringify({ workspaces: [blank, named] }));
  const server = await startTestEngine({ recentWorkspaces: true, workspaceOptions: { configDir } });
  const recent = await controlClient(server).get<{ items: RecentWorkspace[] }>('/workspace/recent');
  assert.deepEqual(recent.body.items, [{ ...blank, name: 'shop' }, named]);
  assert.deepEqual((await controlClient(server).get<WorkspaceStatus>('/workspace')).body.recent, recent.body.items);
  await server.close();
});

test('engines started at once in one process each keep their entry', async () => {
  const configDir = join(dir, 'parallel-config');
  const files = [0, 1, 2, 3].map((n) => join(dir, `parallel-${n}.agui.json`));
  await Promise.all(
    files.map((workspace) =>
      startTestEngine({ workspace, template: 'blank', recentWorkspaces: true, workspaceOptions: { configDir } }),
    ),
  );
  assert.deepEqual((await recentPaths(configDir)).sort(), [...files].sort());
});

test('an entry another process added since this engine read the list is kept when it adds its own', async () => {
  const configDir = join(dir, 'merge-config');
  const first = join(dir, 'merge-first.agui.json');
  const server = await startTestEngine({ workspace: first, recentWorkspaces: true, workspaceOptions: { configDir } });
  // What another engine (the desktop app, a `serve`) writes meanwhile.
  const other = { path: join(dir, 'other-process.agui.json'), name: 'other', openedAt: Date.now() };
  const onDisk = JSON.parse(await readFile(join(configDir, 'recent.json'), 'utf8')) as { workspaces: unknown[] };
  await writeFile(join(configDir, 'recent.json'), JSON.stringify({ workspaces: [other, ...onDisk.workspaces] }));

  const second = join(dir, 'merge-second.agui.json');
  assert.equal((await controlClient(server).post('/workspace/save-as', { path: second })).status, 200);
  assert.deepEqual(await recentPaths(configDir), [second, other.path, first]);
});

test('serve processes started at once each keep their entry, merged with what was there', async () => {
  const configDir = join(dir, 'serve-config');
  await mkdir(configDir);
  const before = { path: join(dir, 'before.agui.json'), name: 'before', openedAt: 1 };
  await writeFile(join(configDir, 'recent.json'), JSON.stringify({ workspaces: [before] }));
  const files = [0, 1, 2, 3].map((n) => join(dir, `serve-${n}.agui.json`));
  const runs = files.map((file) => {
    const run = runCli(['serve', '--port', '0', '--quiet', '--template', 'blank', '--workspace', file], {
      AGUI_MOCK_CONFIG_DIR: configDir,
    });
    running.push(run);
    return run;
  });
  // The banner comes after the workspace was attached, and so after its recent entry was written.
  await Promise.all(runs.map((run) => run.waitFor(/Console/)));
  for (const run of runs) run.child.kill('SIGTERM');
  await Promise.all(runs.map((run) => run.exited()));
  assert.deepEqual((await recentPaths(configDir)).sort(), [before.path, ...files].sort());
  assert.equal(await exists(join(configDir, 'recent.json.lock')), false, 'no lock is left behind');
});

test('a list that is a FIFO or far too big is ignored at once: the engine starts, and writes a list in its place', {
  skip: process.platform === 'win32' && 'no FIFOs on Windows',
  // Before, reading the FIFO waited for a writer that never came, and the engine never started.
  timeout: WAIT_MS,
}, async () => {
  for (const [kind, make] of [
    ['fifo', (file: string) => execFileSync('mkfifo', [file])],
    // Spaces then a valid list: JSON that parses, were it read whole.
    ['huge', (file: string) => writeFile(file, `${' '.repeat(4 * 1024 * 1024)}{"workspaces":[]}`)],
  ] as const) {
    const configDir = join(dir, `${kind}-config`);
    await mkdir(configDir);
    await make(join(configDir, 'recent.json'));
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (message: string) => warnings.push(message) };
    const workspace = join(dir, `${kind}.agui.json`);
    await startTestEngine({
      workspace,
      template: 'blank',
      recentWorkspaces: true,
      logger,
      workspaceOptions: { configDir },
    });
    assert.deepEqual(await recentPaths(configDir), [workspace], kind);
    assert.match(
      warnings.join('\n'),
      /ignoring a damaged recent workspaces list .*recent\.json: (not a regular file|larger than 1 MiB)/,
      kind,
    );
  }
});
