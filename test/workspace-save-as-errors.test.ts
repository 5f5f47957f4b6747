import assert from 'node:assert/strict';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { WorkspaceProblem, WorkspaceStatus } from '../src/shared/workspace';
import { agoraStore } from './helpers/agora';
import { buildCli, CLI, runCommand } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { eventually } from './helpers/wait';
import { startRefusingWorkspaceEngine, startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// Save as to a path the system refuses: the control API's answer says the real reason, from the error code, naming
// the folder; the workspace is as it was — its file, saved, and no problem in its status (that is for its own file's
// trouble, such as an autosave the disk refuses, which still shows there). Real paths on a real engine.

const dir = await workspaceDir();
const linux = process.platform === 'linux';

/** What the system answers when a file is created at `path` (the error's code), or null when it can be. */
function createsWith(path: string): string | null {
  try {
    closeSync(openSync(path, 'wx'));
    unlinkSync(path);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'unknown';
  }
}

/** A folder with mode 0555, and whether this process is really refused there (root is not). */
const readOnly = join(dir, 'read-only');
mkdirSync(readOnly);
chmodSync(readOnly, 0o555);
const readOnlyRefuses = createsWith(join(readOnly, 'probe')) !== null;

const WORDS: Record<string, (folder: string) => RegExp> = {
  EACCES: (folder) => new RegExp(`permission denied: not allowed to write in ${folder} \\(EACCES\\)`),
  EPERM: (folder) => new RegExp(`permission denied: not allowed to write in ${folder} \\(EPERM\\)`),
  EROFS: (folder) => new RegExp(`${folder} is on a read-only file system \\(EROFS\\)`),
};

async function engine(name: string) {
  const file = join(dir, `${name}.agui.json`);
  const server = await startWorkspaceEngine(dir, file);
  const api = controlClient(server);
  const before = readFileSync(file, 'utf8');
  /** Save as `path`: refused with 422 and `problem`, the workspace as it was. */
  const refused = async (path: string, problem: RegExp): Promise<WorkspaceProblem> => {
    const answer = await api.post<{ detail: WorkspaceProblem }>('/workspace/save-as', { path });
    assert.equal(answer.status, 422, JSON.stringify(answer.body));
    assert.match(answer.body.detail.problem, problem);
    assert.equal(answer.body.detail.file, path);
    const status = (await api.get<WorkspaceStatus>('/workspace')).body;
    assert.equal(status.error, null, 'a refused save as is not a problem of the workspace');
    assert.equal(status.path, file, 'the workspace keeps its file');
    assert.equal(status.dirty, false, 'and is still saved there');
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.equal(existsSync(path), false);
    return answer.body.detail;
  };
  return { server, api, file, refused };
}

test('save as into a folder that does not exist: names the folder', async () => {
  const { refused } = await engine('missing');
  const folder = join(dir, 'nonexistent-dir-xyz', 'sub');
  const problem = await refused(join(folder, 'w.agui.json'), /does not exist/);
  assert.equal(
    problem.problem,
    `could not save (the folder ${folder} does not exist (ENOENT)); nothing was written there, and the workspace is as it was`,
  );
});

test('save as into /proc: the folder is there, but no file can be created in it', {
  skip: !linux && 'Linux only',
}, async () => {
  const { refused } = await engine('proc');
  const problem = await refused('/proc/forbidden.agui.json', /no file can be created in \/proc/);
  assert.equal(
    problem.message,
    '/proc/forbidden.agui.json: could not save (no file can be created in /proc: the folder exists, but its file ' +
      'system does not take new files (ENOENT)); nothing was written there, and the workspace is as it was',
  );
  assert.doesNotMatch(problem.problem, /does not exist/);
});

test('save as into /sys, which refuses root too: the reason its error code gives', {
  skip: !linux && 'Linux only',
}, async () => {
  const { refused } = await engine('sys');
  const code = createsWith('/sys/forbidden.agui.json');
  const words = WORDS[code ?? ''];
  assert.ok(words, `creating a file in /sys answered ${code}, which this test has no words for`);
  await refused('/sys/forbidden.agui.json', words('/sys'));
});

test('save as under a path that is a file: names that file', async () => {
  const { refused } = await engine('under-a-file');
  const notAFolder = join(dir, 'plain.txt');
  writeFileSync(notAFolder, 'not a folder');
  const problem = await refused(join(notAFolder, 'sub', 'w.agui.json'), /ENOTDIR/);
  assert.equal(
    problem.problem,
    `cannot use this path (a part of the path, ${notAFolder}, is a file, not a folder (ENOTDIR))`,
  );
});

test('save as into a folder with mode 0555: not allowed to write there', {
  skip:
    !readOnlyRefuses &&
    'this process may write into a 0555 folder (it runs as root): the /sys case covers a permission refusal',
}, async () => {
  const { refused } = await engine('read-only');
  await refused(join(readOnly, 'w.agui.json'), WORDS.EACCES?.(readOnly) as RegExp);
});

test('save as into a folder the engine may not look into, or not write in, an open of a file it may not read: names the folder or file and says what to do', async (t) => {
  buildCli();
  // Root may look into and write in any folder: run as root, the engine runs as root without the capabilities that
  // let it (util-linux's setpriv), so the system refuses it. Not as nobody: a checkout in a 0700 folder (mktemp's) is
  // closed to nobody, and the CLI would not load.
  const asRoot = process.getuid?.() === 0;
  const shared = mkdtempSync(join(tmpdir(), 'agui-closed-folders-'));
  const closed = join(shared, 'closed');
  const readOnlyHere = join(shared, 'read-only');
  mkdirSync(closed);
  mkdirSync(readOnlyHere);
  chmodSync(closed, 0o000);
  chmodSync(readOnlyHere, 0o555);
  const unreadable = join(shared, 'private.agui.json');
  writeFileSync(unreadable, '{}');
  chmodSync(unreadable, 0o000);
  const file = join(shared, 'w.agui.json');
  const token = 'closed-folders-token';
  const serve = [CLI, 'serve', '--port', '0', '--quiet', '--template', 'blank', '--workspace', file, '--token', token];
  const run = runCommand(
    asRoot ? 'setpriv' : process.execPath,
    asRoot ? ['--bounding-set=-dac_override,-dac_read_search', '--', process.execPath, ...serve] : serve,
    { env: { ...process.env, AGUI_MOCK_CONFIG_DIR: join(shared, 'config') } },
  );
  t.after(async () => {
    run.child.kill('SIGTERM');
    await run.exited();
    chmodSync(closed, 0o700);
    rmSync(shared, { recursive: true, force: true });
  });
  await run.waitFor(/Console/);
  const [, url] = run.stdout().match(/HTTP\s+(\S+)/) ?? [];
  const saveAs = async (path: string) => {
    const answer = await fetch(`${url}/__console/api/workspace/save-as`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ path }),
    });
    assert.equal(answer.status, 422);
    return ((await answer.json()) as { detail: WorkspaceProblem }).detail.problem;
  };
  assert.equal(
    await saveAs(join(closed, 'w.agui.json')),
    `cannot use this path (permission denied: not allowed to look into ${closed} (EACCES); allow the user the engine runs as to open it, or choose another folder)`,
  );
  assert.equal(
    await saveAs(join(readOnlyHere, 'w.agui.json')),
    `could not save (permission denied: not allowed to write in ${readOnlyHere} (EACCES); allow the user the engine runs as to write there, or choose another folder); nothing was written there, and the workspace is as it was`,
  );
  // A file of its own the engine may not read (mode 000), in a folder it may look into: the file is named.
  const opened = await fetch(`${url}/__console/api/workspace/open`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ path: unreadable }),
  });
  const { detail } = (await opened.json()) as { detail: WorkspaceProblem };
  assert.equal(
    `${opened.status} ${detail.message}`,
    `422 ${unreadable}: cannot read the file (permission denied: not allowed to read ${unreadable} (EACCES); allow the user the engine runs as to read it, or choose another file)`,
  );
  const status = (await (
    await fetch(`${url}/__console/api/workspace`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as WorkspaceStatus;
  assert.deepEqual(
    [status.path, status.error],
    [file, null],
    'the workspace keeps its file, with no problem of its own',
  );
});

test('new into a folder under /proc answers at once (it used to hang creating the folder), the workspace as it was', {
  skip: !linux && 'Linux only',
}, async () => {
  const { api, file } = await engine('new-proc');
  const answer = await api.post<{ detail: WorkspaceProblem }>('/workspace/new', {
    template: 'blank',
    path: '/proc/agui-sub/w.agui.json',
  });
  assert.equal(answer.status, 422, JSON.stringify(answer.body));
  // The folder's own refusal, as mkdir met it (the write would only have found the folder missing).
  assert.equal(
    answer.body.detail.problem,
    'could not save (no file can be created in /proc: the folder exists, but its file system does not take new files (ENOENT)); nothing was written there, and the workspace is as it was',
  );
  const status = (await api.get<WorkspaceStatus>('/workspace')).body;
  assert.equal(status.error, null);
  assert.equal(status.path, file);
});

test('new makes the missing folders of its path, and takes them away again when the write is refused', async () => {
  const { api } = await engine('new-folders');
  const made = join(dir, 'made', 'for', 'it.agui.json');
  assert.equal((await api.post('/workspace/new', { template: 'blank', path: made })).status, 201);
  assert.ok(existsSync(made));
  const tooLong = join(dir, 'left', 'over', `${'x'.repeat(300)}.agui.json`);
  const answer = await api.post<{ detail: WorkspaceProblem }>('/workspace/new', { template: 'blank', path: tooLong });
  assert.equal(answer.status, 422, JSON.stringify(answer.body));
  assert.match(answer.body.detail.problem, /ENAMETOOLONG.*nothing was written there/);
  assert.equal(existsSync(join(dir, 'left')), false, 'no folder left behind');
});

test("the workspace's own file still shows its trouble: an autosave refused by a read-only disk names the folder", async () => {
  const file = join(dir, 'autosave.agui.json');
  const { server, refusal } = await startRefusingWorkspaceEngine(dir, file, 'EROFS', 'EROFS: read-only file system');
  refusal.on = true;
  agoraStore(server).setCurrentUser(null);
  await eventually(() => server.workspace.status().error !== null, 'the autosave error to show');
  assert.equal(
    server.workspace.status().error?.message,
    `${file}: could not save (${dir} is on a read-only file system (EROFS)); the file on disk is unchanged`,
  );
  refusal.on = false;
  await server.workspace.save();
  assert.equal(server.workspace.status().error, null);
});
