import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { writeFileAtomic } from '../src/server/workspace/atomic-file';
import { locateJsonSyntaxError } from '../src/server/workspace/json-syntax-error';
import { decodeWorkspaceText, encodeWorkspace } from '../src/server/workspace/workspace-codec';
import { WorkspaceError } from '../src/server/workspace/workspace-error';
import { readWorkspaceFile } from '../src/server/workspace/workspace-file';
import { workspaceTemplate } from '../src/server/workspace/workspace-templates';
import { RouteSchema } from '../src/shared/mounts/route';
import { type Workspace, WorkspaceSchema } from '../src/shared/workspace';
import { agoraStore } from './helpers/agora';
import { controlClient } from './helpers/control-client';
import { eventually } from './helpers/wait';
import { startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// What a file on disk can do to a running engine: broken or hostile content, a world the engine refuses, an edit
// racing an autosave, a symbolic link, a file kept private. The engine keeps serving, and nobody's data is lost.

const dir = await workspaceDir();
const posix = process.platform !== 'win32';

function document(name: string, change: (workspace: Workspace) => void = () => {}): Workspace {
  const workspace = WorkspaceSchema.parse(workspaceTemplate('agora', Date.now(), name)) as Workspace;
  change(workspace);
  return workspace;
}

async function newFile(name: string, change?: (workspace: Workspace) => void): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, encodeWorkspace(document(name, change)));
  return file;
}

/** A JSON value nested `depth` levels (arrays around a number). */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

/** The engine still answers HTTP (the agora pack's /health). */
async function answers(server: MockServer): Promise<void> {
  const response = await fetch(`${server.url}/health`);
  assert.equal(response.status, 200);
}

const tempsIn = async (folder: string) => (await readdir(folder)).filter((name) => name.endsWith('.tmp'));

// ——— broken and hostile files —————————————————————————————————————————————————————

const DEEP_BROKEN = `{"version":2,"name":"x","d":${'['.repeat(10_000)}${']'.repeat(9_999)}}`;
/** How a workspace nested past its limit is refused: before it is parsed, at the bracket one level too deep. */
const TOO_DEEP = /:1:1044: \(root\): objects and arrays nested deeper than 1016 levels/;

test('locating a syntax error in JSON nested 10,000 deep: found, without running out of stack', () => {
  const located = locateJsonSyntaxError(DEEP_BROKEN);
  assert.ok(located, 'the error is located');
  assert.equal(located.offset, DEEP_BROKEN.length - 1);
  assert.match(located.problem, /unexpected "}", expected ',' or '\]'/);
  assert.equal(locateJsonSyntaxError(`${'['.repeat(200_000)}${']'.repeat(200_000)}`), undefined, 'valid: no error');
  assert.throws(
    () => decodeWorkspaceText(DEEP_BROKEN, 'deep.agui.json'),
    (error: unknown) => error instanceof WorkspaceError && TOO_DEEP.test(error.message),
  );
});

test('validate and serve of a broken file nested 10,000 deep: a WorkspaceError with the place, not a RangeError', async () => {
  const file = join(dir, 'deep-start.agui.json');
  await writeFile(file, DEEP_BROKEN);
  await assert.rejects(readWorkspaceFile(file), (error: unknown) => error instanceof WorkspaceError);
  await assert.rejects(
    startWorkspaceEngine(dir, file),
    (error: unknown) => error instanceof WorkspaceError && TOO_DEEP.test(error.message),
  );
});

test('a served file replaced by broken JSON nested 10,000 deep: reported, the engine keeps serving', async () => {
  const file = await newFile('deep-watch.agui.json');
  const server = await startWorkspaceEngine(dir, file);
  await writeFile(file, DEEP_BROKEN);
  await eventually(() => server.workspace.status().error !== null, 'the error to show');
  const { error, name } = server.workspace.status();
  assert.equal(error?.operation, 'watch');
  assert.match(error?.message ?? '', TOO_DEEP);
  assert.equal(name, 'deep-watch.agui.json', 'the world served is the one loaded');
  await answers(server);
});

test('whatever goes wrong reloading a changed file is reported, never thrown out of the watcher', async () => {
  const file = await newFile('engine-fault.agui.json');
  const server = await startWorkspaceEngine(dir, file);
  const world = server.context.world;
  const replace = world.replace;
  world.replace = () => {
    throw new Error('simulated fault in the engine');
  };
  try {
    await writeFile(file, encodeWorkspace(document('changed on disk')));
    await eventually(() => server.workspace.status().error !== null, 'the error to show');
  } finally {
    world.replace = replace;
  }
  const status = server.workspace.status();
  assert.equal(status.error?.operation, 'watch');
  assert.match(status.error?.problem ?? '', /simulated fault in the engine/);
  assert.equal(status.name, 'engine-fault.agui.json', 'the world served is the one loaded');
  await answers(server);
});

test('a served file replaced by a folder: said as it is, autosave waits; a file put back meets the unsaved change', async () => {
  const file = await newFile('becomes-folder.agui.json');
  const server = await startWorkspaceEngine(dir, file);
  const api = controlClient(server);
  await rm(file);
  await mkdir(file);
  await eventually(() => server.workspace.status().error !== null, 'the problem to show');
  const refused = server.workspace.status();
  assert.equal(refused.error?.operation, 'watch');
  assert.equal(refused.error?.problem, 'the path is a folder: choose a workspace file');
  assert.equal(refused.autosave, false);
  // A change meanwhile is kept unsaved, with the same problem: not a conflict the console's Open could settle.
  assert.equal((await api.put('/routes', { items: [] })).status, 200);
  const edited = server.workspace.status();
  assert.equal(edited.dirty, true);
  assert.equal(edited.conflict, null);
  assert.equal(edited.error?.problem, 'the path is a folder: choose a workspace file');
  await rm(file, { recursive: true });
  await writeFile(file, encodeWorkspace(document('back again')));
  await eventually(() => server.workspace.status().conflict !== null, 'the file back to be noticed');
  assert.match(server.workspace.status().conflict?.message ?? '', /changed on disk while there are unsaved changes/);
  await answers(server);
});

test('a FIFO, a device or a folder put in place of the served file, also through a link: the problem says which', {
  skip: !posix,
}, async () => {
  const file = await newFile('becomes-other.agui.json');
  const server = await startWorkspaceEngine(dir, file);
  const folder = join(dir, 'a-folder');
  await mkdir(folder);
  // Each in turn, as `open` says it: one put after another is told apart, not taken for the one before.
  const cases: [string, () => Promise<void>, string][] = [
    ['a FIFO', async () => void execFileSync('mkfifo', [file]), 'it is a named pipe (FIFO)'],
    ['a link to /dev/zero', () => symlink('/dev/zero', file), 'it is a character device'],
    ['a link to a folder', () => symlink(folder, file), 'the path is a folder'],
  ];
  for (const [what, put, said] of cases) {
    await rm(file);
    await put();
    await eventually(() => server.workspace.status().error?.problem.includes(said) === true, `${what} to be said`);
    assert.equal(server.workspace.status().error?.operation, 'watch');
  }
  await answers(server);
});

test('an older version written over the served file: migrated as an open migrates, the original kept as .bak', async () => {
  const file = await newFile('rewritten-old.agui.json');
  const server = await startWorkspaceEngine(dir, file);
  const original = JSON.stringify({ users: [], sessions: [] });
  await writeFile(file, original);
  await eventually(() => server.workspace.status().name === 'rewritten-old', 'the old file to be taken');
  assert.equal(await readFile(`${file}.bak`, 'utf8'), original);
  const rewritten = JSON.parse(await readFile(file, 'utf8')) as Workspace;
  assert.equal(rewritten.version, 2);
  assert.equal(server.workspace.status().error, null);
  assert.equal(server.workspace.status().autosave, true);
  await answers(server);
});

// ——— a world the engine refuses ————————————————————————————————————————————————————

test('reload of a file with its own maxJsonDepth of 100 and a record nested 80 deep: loaded, the engine up', async () => {
  const file = await newFile('deep-settings.agui.json');
  const server = await startWorkspaceEngine(dir, file);
  const deep = document('deep settings', (workspace) => {
    workspace.settings.maxJsonDepth = 100;
    workspace.collections.push({
      id: 'books',
      path: '/books',
      idField: 'id',
      idType: 'integer',
      enabled: true,
      records: [{ id: 1, d: nested(79) } as Workspace['collections'][0]['records'][0]],
    });
  });
  await writeFile(file, encodeWorkspace(deep));
  await eventually(() => server.workspace.status().name === 'deep settings', 'the reload');
  assert.equal(server.workspace.status().error, null);
  assert.equal(server.settings().maxJsonDepth, 100);
  assert.equal((await fetch(`${server.url}/books/1`)).status, 200);
  await answers(server);
});

/** A saved JSON payload whose body nests `depth` levels. */
function withPayload(depth: number) {
  return (workspace: Workspace) => {
    workspace.payloads = [{ id: 'deep', name: 'deep', kind: 'json', body: nested(depth) } as Workspace['payloads'][0]];
  };
}

test('a changed file the engine refuses (a route it cannot compile): reported, nothing half loaded', async () => {
  const file = await newFile('refused.agui.json');
  const server = await startWorkspaceEngine(dir, file);
  const scenariosBefore = server.context.scenarios.list();
  const requestLogSize = server.settings().requestLogSize;
  await writeFile(
    file,
    encodeWorkspace(
      document('refused', (workspace) => {
        workspace.routes = [
          RouteSchema.parse({
            id: 'backreference',
            path: '/r',
            responses: [{ id: 'a', when: { query: { q: { regex: '(a)\\1' } } } }],
          }),
        ];
        workspace.scenarios = [];
        workspace.settings.requestLogSize = requestLogSize + 1;
      }),
    ),
  );
  await eventually(() => server.workspace.status().error !== null, 'the error to show');
  const status = server.workspace.status();
  assert.equal(status.error?.operation, 'watch');
  assert.equal(status.error?.path, 'routes.0.responses.0.when.query.q');
  assert.equal(status.name, 'refused.agui.json', 'the world served is the one loaded');
  assert.deepEqual(server.context.scenarios.list(), scenariosBefore, 'no part of the refused file was taken');
  assert.equal(server.settings().requestLogSize, requestLogSize, 'nor its settings');
  await answers(server);
});

test('payloads are held to maxJsonDepth when written, not when loaded: a lower setting never stops the file loading', async () => {
  const file = await newFile('payload-depth-lowered.agui.json');
  const server = await startWorkspaceEngine(dir, file, { settings: { maxJsonDepth: 200 } });
  const api = controlClient(server);
  assert.equal((await api.put('/payloads/deep', { name: 'deep', kind: 'json', body: nested(150) })).status, 201);
  const tooDeep = await api.put('/payloads/deeper', { name: 'deeper', kind: 'json', body: nested(250) });
  assert.equal(tooDeep.status, 400, 'a write is held to the setting');
  assert.equal((await api.patch('/server/settings', { maxJsonDepth: 64 })).status, 200);
  assert.equal((await api.post('/workspace/save')).status, 200);
  // The engine reopens its own file, and a second engine starts on it, with the lower limit in force.
  const reopened = await api.post<{ error: unknown }>('/workspace/open', { path: file });
  assert.equal(reopened.status, 200, JSON.stringify(reopened.body));
  assert.equal(server.context.payloads.list().length, 1);
  const second = await startWorkspaceEngine(dir, file, { settings: { maxJsonDepth: 32 } });
  assert.deepEqual(
    second.context.payloads.list().map((payload) => payload.name),
    ['deep'],
  );
  await answers(second);
});

test('validate and serve agree on a file whose payload nests as deep as maxJsonDepth allows', async () => {
  const file = await newFile('payload-depth.agui.json', withPayload(63));
  const validated = await readWorkspaceFile(file).then(
    () => undefined,
    (error: unknown) => error,
  );
  const served = await startWorkspaceEngine(dir, file).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (validated !== undefined) assert.ok(validated instanceof WorkspaceError, String(validated));
  if (served !== undefined) assert.ok(served instanceof WorkspaceError, `serve failed with ${served}`);
  assert.equal(served === undefined, validated === undefined, `validate: ${validated}; serve: ${served}`);
});

// ——— an edit racing an autosave ————————————————————————————————————————————————————

test('a file edited just before an autosave replaces it: left as edited, the conflict reported', async () => {
  const file = await newFile('race.agui.json');
  const theirs = encodeWorkspace(document('edited while autosave ran'));
  let edited = false;
  const server = await startWorkspaceEngine(dir, file, {
    workspaceOptions: {
      // Someone saves the file after the autosave's temp file is complete, before the rename: well within the
      // watcher's delay, so only the autosave itself can notice.
      fileHooks: {
        beforeRename: async () => {
          if (edited) return;
          edited = true;
          await writeFile(file, theirs);
        },
      },
      watchDelayMs: 60_000,
    },
  });
  agoraStore(server).setCurrentUser(null);
  await eventually(() => {
    const status = server.workspace.status();
    return edited && !status.saving && (status.conflict !== null || !status.dirty);
  }, 'the autosave to end');
  const status = server.workspace.status();
  assert.match(status.conflict?.message ?? '(no conflict)', /changed on disk while there are unsaved changes/);
  assert.equal(status.dirty, true, 'ours is still unsaved');
  assert.equal(status.autosave, false);
  assert.equal(status.error, null, 'a conflict, not a failed save');
  assert.equal(await readFile(file, 'utf8'), theirs, 'theirs kept on disk');
  assert.deepEqual(await tempsIn(dir).then((names) => names.filter((name) => name.includes('race'))), []);
  await answers(server);

  // "Keep mine": an explicit save still replaces it.
  await server.workspace.save();
  assert.equal(server.workspace.status().conflict, null);
  assert.notEqual(await readFile(file, 'utf8'), theirs);
  assert.equal(JSON.parse(await readFile(file, 'utf8')).name, 'race.agui.json');
});

test('a file deleted just before an autosave: not written again behind its back, reported as deleted', async () => {
  const file = await newFile('race-deleted.agui.json');
  const { unlink } = await import('node:fs/promises');
  let deleted = false;
  const server = await startWorkspaceEngine(dir, file, {
    workspaceOptions: {
      fileHooks: {
        beforeRename: async () => {
          if (deleted) return;
          deleted = true;
          await unlink(file);
        },
      },
      watchDelayMs: 60_000,
    },
  });
  agoraStore(server).setCurrentUser(null);
  await eventually(() => server.workspace.status().conflict !== null, 'the conflict to show');
  assert.match(server.workspace.status().conflict?.message ?? '', /was deleted on disk/);
  await assert.rejects(stat(file), /ENOENT/);
});

test('a file back after it was found deleted: a save as the status advises leaves it, and says the conflict', async () => {
  const file = await newFile('deleted-then-back.agui.json');
  // The watcher slow: the deletion is found by an autosave's last look, the file back only by the save's own.
  const server = await startWorkspaceEngine(dir, file, { workspaceOptions: { watchDelayMs: 60_000 } });
  await rm(file);
  agoraStore(server).setCurrentUser(null);
  await eventually(() => /was deleted on disk/.test(server.workspace.status().conflict?.message ?? ''), 'deleted');
  const theirs = encodeWorkspace(document('back'));
  await writeFile(file, theirs);
  const saved = await server.workspace.save();
  assert.equal(await readFile(file, 'utf8'), theirs, 'not written over');
  assert.match(saved.conflict?.message ?? '', /changed on disk while there are unsaved changes/);
  // "Keep mine" once the file is known: written over on purpose.
  await server.workspace.save();
  assert.notEqual(await readFile(file, 'utf8'), theirs);
  assert.equal(server.workspace.status().conflict, null);
});

test('a file made at the path of a new workspace while the old one was saved: left as it is, the new one a 409', async () => {
  const file = await newFile('before-new.agui.json');
  const target = join(dir, 'made-meanwhile.agui.json');
  const theirs = '{"someone": "else"}\n';
  let made = false;
  const server = await startWorkspaceEngine(dir, file, {
    workspaceOptions: {
      // Someone makes the file after `new` looked for one (its old world's save, which takes a while when big,
      // lies in between), before the new workspace is put there.
      fileHooks: {
        beforeRename: async (temp) => {
          if (made || !temp.includes('made-meanwhile')) return;
          made = true;
          await writeFile(target, theirs);
        },
      },
    },
  });
  const api = controlClient(server);
  const created = await api.post<{ detail: { problem: string } }>('/workspace/new', {
    template: 'blank',
    path: target,
  });
  assert.equal(created.status, 409);
  assert.equal(created.body.detail.problem, 'the file already exists; choose another name');
  assert.equal(await readFile(target, 'utf8'), theirs, 'theirs kept');
  assert.equal(server.workspace.status().path, file, 'the workspace is as it was');
  assert.deepEqual(await tempsIn(dir).then((names) => names.filter((name) => name.includes('made-meanwhile'))), []);
});

// ——— symbolic links and permissions ——————————————————————————————————————————————————

test('a workspace reached through a symbolic link: saves go to the target, the link stays a link', {
  skip: !posix,
}, async () => {
  const real = join(dir, 'real');
  await mkdir(real);
  const target = join(real, 'ws.json');
  await writeFile(target, encodeWorkspace(document('linked')));
  const link = join(dir, 'link.agui.json');
  await symlink('real/ws.json', link);
  const server = await startWorkspaceEngine(dir, link);
  agoraStore(server).setCurrentUser(null);
  await eventually(() => !server.workspace.status().dirty, 'the autosave');
  assert.ok((await lstat(link)).isSymbolicLink(), 'the link is still a link');
  assert.equal(JSON.parse(await readFile(target, 'utf8')).packs[0].data.currentUserId, null, 'the target has it');
  assert.deepEqual(await tempsIn(dir), []);
  assert.deepEqual(await tempsIn(real), []);

  // Someone else writes the target: seen through the link, and reloaded.
  await writeFile(target, encodeWorkspace(document('edited at the target')));
  await eventually(() => server.workspace.status().name === 'edited at the target', 'the reload');
  assert.equal(server.workspace.status().conflict, null);
  await answers(server);
});

test('writeFileAtomic through a link to a file not there yet: creates the target, keeps the link', {
  skip: !posix,
}, async () => {
  const link = join(dir, 'dangling.json');
  await symlink('dangling-target.json', link);
  await writeFileAtomic(link, '{}\n');
  assert.ok((await lstat(link)).isSymbolicLink());
  assert.equal(await readFile(join(dir, 'dangling-target.json'), 'utf8'), '{}\n');
});

test('writeFileAtomic exclusive: creates a new file; refuses (EEXIST) one there, also one made while it wrote', async () => {
  const file = join(dir, 'exclusive.json');
  await writeFileAtomic(file, 'first\n', {}, { exclusive: true });
  assert.equal(await readFile(file, 'utf8'), 'first\n');
  await assert.rejects(writeFileAtomic(file, 'second\n', {}, { exclusive: true }), { code: 'EEXIST' });
  assert.equal(await readFile(file, 'utf8'), 'first\n');

  // Absent when the write began, there when it is about to land: the one made meanwhile stays.
  const raced = join(dir, 'exclusive-raced.json');
  const meanwhile = { beforeRename: () => writeFile(raced, 'theirs\n') };
  await assert.rejects(writeFileAtomic(raced, 'ours\n', meanwhile, { exclusive: true }), { code: 'EEXIST' });
  assert.equal(await readFile(raced, 'utf8'), 'theirs\n');
  assert.deepEqual(await tempsIn(dir).then((names) => names.filter((name) => name.includes('exclusive'))), []);
});

test('a workspace kept private (0600) stays private after autosave; a shared one (0664) keeps its mode', {
  skip: !posix,
}, async () => {
  for (const mode of [0o600, 0o664]) {
    const file = await newFile(`mode-${mode.toString(8)}.agui.json`);
    const { chmod } = await import('node:fs/promises');
    await chmod(file, mode);
    const server = await startWorkspaceEngine(dir, file);
    agoraStore(server).setCurrentUser(null);
    await eventually(() => !server.workspace.status().dirty, 'the autosave');
    assert.match(await readFile(file, 'utf8'), /"currentUserId": null/);
    assert.equal((await stat(file)).mode & 0o777, mode, `mode ${mode.toString(8)} kept`);
  }
  // A new file still gets today's default (0644, less the umask).
  const fresh = join(dir, 'fresh.json');
  await writeFileAtomic(fresh, '{}\n');
  const umask = process.umask();
  assert.equal((await stat(fresh)).mode & 0o777, 0o644 & ~umask);
  // An explicit mode is never widened by the existing file's.
  await writeFileAtomic(fresh, '{}\n', {}, { mode: 0o600 });
  assert.equal((await stat(fresh)).mode & 0o777, 0o600 & 0o644 & ~umask);
});
