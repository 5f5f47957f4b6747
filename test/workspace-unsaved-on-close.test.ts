import assert from 'node:assert/strict';
import { chmod, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { Logger } from '../src/server/support/logger';
import type { AtomicWriteHooks } from '../src/server/workspace/atomic-file';
import { readWorkspaceFile } from '../src/server/workspace/workspace-file';
import { isBackupName } from '../src/server/workspace/workspace-file-versions';
import { buildCli, runCli } from './helpers/cli-process';
import { eventually } from './helpers/wait';
import { startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// Changes autosave may not write over the file (someone else changed it, deleted it, or left it broken) were dropped
// without a word when the engine shut down. They are kept beside the file, and the log says where and why. A file
// deleted on disk is said in the log too, as every other change on disk is.

const dir = await workspaceDir();
before(() => buildCli());

const workspace = (title: string) =>
  `${JSON.stringify(
    {
      version: 2,
      name: 'books',
      settings: { gatewayAuth: { enabled: false, keys: ['sk-secret-key'] } },
      collections: [{ id: 'books', path: '/books', records: [{ id: 1, title }] }],
    },
    null,
    2,
  )}\n`;
/** `<name>.unsaved-<UTC time, no colons>.json`. */
const copyOf = (name: string) =>
  new RegExp(`^${name.replaceAll('.', '\\.')}\\.unsaved-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d\\.\\d{3}Z\\.json$`);
const copiesOf = async (name: string) => (await readdir(dir)).filter((entry) => copyOf(name).test(entry));

function capturingLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, logger: { info: () => {}, warn: (message) => warnings.push(message), error: () => {} } };
}

/** An engine on a new file `name` (with `mode`), autosave far off, and one record added through the API: unsaved. */
async function engineWithUnsavedRecord(name: string, mode = 0o644, fileHooks?: AtomicWriteHooks) {
  const file = join(dir, name);
  await writeFile(file, workspace('Solaris'));
  await chmod(file, mode);
  const { logger, warnings } = capturingLogger();
  const server = await startWorkspaceEngine(dir, file, {
    logger,
    workspaceOptions: { autosaveDelayMs: 600_000, ...(fileHooks && { fileHooks }) },
  });
  const posted = await fetch(`${server.url}/books`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'From API' }),
  });
  assert.equal(posted.status, 201);
  assert.equal(server.workspace.status().dirty, true);
  return { file, server, warnings };
}

async function assertKeptBeside(file: string, name: string, warnings: string[], why: RegExp) {
  const [copy, ...more] = await copiesOf(name);
  assert.ok(copy !== undefined && more.length === 0, `one copy beside the file: ${await readdir(dir)}`);
  const path = join(dir, copy);
  const kept = await readWorkspaceFile(path);
  assert.deepEqual(
    kept.workspace.collections[0]?.records.map((record) => record.title),
    ['Solaris', 'From API'],
    'the unsaved changes, in a workspace that opens',
  );
  const line = warnings.find((warning) => warning.includes('unsaved changes kept in'));
  assert.ok(line, `a log line: ${warnings.join(' | ')}`);
  assert.ok(line.startsWith(`workspace: unsaved changes kept in ${path}: ${file} `), line);
  assert.match(line, why);
  assert.deepEqual(
    (await readdir(dir)).filter((entry) => entry.endsWith('.tmp')),
    [],
  );
  return path;
}

test('shutting down with a conflict: the unsaved changes are kept beside the file (its mode too), which is left as theirs', async () => {
  const { file, server, warnings } = await engineWithUnsavedRecord('conflict.agui.json', 0o600);
  const theirs = workspace('From disk');
  await writeFile(file, theirs);
  await eventually(() => server.workspace.status().conflict !== null, 'the conflict');
  await server.close();
  assert.equal(await readFile(file, 'utf8'), theirs, 'their version is left as it is');
  const copy = await assertKeptBeside(
    file,
    'conflict.agui.json',
    warnings,
    /conflict\.agui\.json was changed on disk since they were made, so it was left as it is$/,
  );
  assert.equal((await stat(copy)).mode & 0o777, 0o600, 'as private as the file: it holds the same keys');
});

test('a workspace named near the longest name a file may have: its unsaved changes are kept under its name cut to fit', async () => {
  // 230 bytes: the copy's name adds 37 or more, so it was refused (ENAMETOOLONG) and the changes lost.
  const name = `${'ä'.repeat(110)}.agui.json`;
  const { file, server, warnings } = await engineWithUnsavedRecord(name);
  await writeFile(file, workspace('From disk'));
  await eventually(() => server.workspace.status().conflict !== null, 'the conflict');
  await server.close();
  const copies = (await readdir(dir)).filter((entry) => entry.startsWith('ä') && entry !== name);
  assert.equal(copies.length, 1, `one copy beside the file: ${copies}`);
  const copy = copies[0] as string;
  assert.ok(Buffer.byteLength(copy) <= 255, copy);
  assert.ok(isBackupName(copy, name), 'never served, as the file itself is not: it holds the same keys');
  const kept = await readWorkspaceFile(join(dir, copy));
  assert.deepEqual(
    kept.workspace.collections[0]?.records.map((record) => record.title),
    ['Solaris', 'From API'],
  );
  assert.ok(
    warnings.some((warning) => warning.startsWith(`workspace: unsaved changes kept in ${join(dir, copy)}: `)),
    warnings.join(' | '),
  );
});

test('shutting down with the file broken on disk: the unsaved changes are kept beside it', async () => {
  const { file, server, warnings } = await engineWithUnsavedRecord('broken.agui.json');
  await writeFile(file, '{"version": 2, "name": ');
  await eventually(() => server.workspace.status().error?.operation === 'watch', 'the problem to show');
  await server.close();
  assert.equal(await readFile(file, 'utf8'), '{"version": 2, "name": ');
  await assertKeptBeside(
    file,
    'broken.agui.json',
    warnings,
    /broken\.agui\.json on disk is not a workspace this engine loads \(invalid JSON: .*\), so it was left as it is$/,
  );
});

test('a file deleted on disk while it is served is said in the log, as any other change on disk', async () => {
  const file = join(dir, 'gone.agui.json');
  await writeFile(file, workspace('Solaris'));
  const { logger, warnings } = capturingLogger();
  const server = await startWorkspaceEngine(dir, file, { logger });
  await rm(file);
  await eventually(
    () => warnings.includes(`workspace: ${file} was deleted on disk; save to write it again`),
    'the deletion in the log',
  );
  assert.equal(server.workspace.status().autosave, false);
  await server.close();
});

test('shutting down with the file deleted on disk: the unsaved changes are kept beside it', async () => {
  const { file, server, warnings } = await engineWithUnsavedRecord('deleted.agui.json');
  await rm(file);
  await eventually(() => server.workspace.status().conflict !== null, 'the deletion to be noticed');
  await server.close();
  await assert.rejects(stat(file), { code: 'ENOENT' }, 'not written again behind its author’s back');
  const copy = await assertKeptBeside(
    file,
    'deleted.agui.json',
    warnings,
    /deleted\.agui\.json was deleted on disk since they were made, so it was left as it is$/,
  );
  assert.equal((await stat(copy)).mode & 0o777, 0o600, "the file's mode is gone with it: the owner's alone");
});

test("closing's own save finds the file changed just before replacing it: the changes are kept beside it", async () => {
  const theirs = workspace('From disk');
  const race = { armed: false };
  const { file, server, warnings } = await engineWithUnsavedRecord('race.agui.json', 0o644, {
    // Someone saves the file while the engine's last save is written, after the engine's last look at it.
    beforeRename: async () => {
      if (!race.armed) return;
      race.armed = false;
      await writeFile(file, theirs);
    },
  });
  race.armed = true;
  await server.close();
  assert.equal(await readFile(file, 'utf8'), theirs, 'not saved over');
  await assertKeptBeside(
    file,
    'race.agui.json',
    warnings,
    /race\.agui\.json was changed on disk since they were made, so it was left as it is$/,
  );
});

test('unsaved changes autosave may write: saved into the file on shutting down, no copy made', async () => {
  const { file, server } = await engineWithUnsavedRecord('plain.agui.json');
  await server.close();
  assert.match(await readFile(file, 'utf8'), /From API/, 'saved on shutting down, as ever');
  assert.deepEqual(await copiesOf('plain.agui.json'), []);
});

test('agui-mock serve: SIGINT with the file broken on disk keeps the unsaved changes beside it and says so', async () => {
  const file = join(dir, 'cli.agui.json');
  await writeFile(file, workspace('Solaris'));
  const run = runCli(['serve', '--port', '0', '--quiet', '--workspace', file], { AGUI_MOCK_CONFIG_DIR: dir });
  try {
    const [, url] = await run.waitFor(/HTTP\s+(\S+)/);
    // Broken first, so that autosave is paused before the change comes in: no race with it.
    await writeFile(file, '{"version": 2, "name": ');
    await eventually(() => /not reloaded, autosave paused/.test(run.stderr()), 'the problem in the log');
    const posted = await fetch(`${url}/books`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'From API' }),
    });
    assert.equal(posted.status, 201);
    run.child.kill('SIGINT');
    assert.equal((await run.exited()).code, 0);
  } finally {
    run.child.kill('SIGKILL');
  }
  assert.equal(await readFile(file, 'utf8'), '{"version": 2, "name": ');
  const [copy] = await copiesOf('cli.agui.json');
  assert.ok(copy !== undefined, `a copy: ${await readdir(dir)}`);
  assert.match(await readFile(join(dir, copy), 'utf8'), /From API/);
  assert.ok(
    run.stderr().includes(`workspace: unsaved changes kept in ${join(dir, copy)}: ${file} on disk is not a workspace`),
    run.stderr(),
  );
});

test('opening another workspace during a conflict keeps the unsaved changes beside the file, as shutting down does', async () => {
  const { file, server, warnings } = await engineWithUnsavedRecord('switch.agui.json');
  const theirs = workspace('From disk');
  await writeFile(file, theirs);
  await eventually(() => server.workspace.status().conflict !== null, 'the conflict');
  const other = join(dir, 'other.agui.json');
  await writeFile(other, workspace('Other'));
  try {
    await server.workspace.open(other);
    assert.equal(server.workspace.status().path, other);
    assert.equal(await readFile(file, 'utf8'), theirs, 'their version is left as it is');
    await assertKeptBeside(
      file,
      'switch.agui.json',
      warnings,
      /switch\.agui\.json was changed on disk since they were made, so it was left as it is$/,
    );
  } finally {
    await server.close();
  }
});
