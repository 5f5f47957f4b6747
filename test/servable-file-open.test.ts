import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkServable, openAsChecked, openServable, UnservableFile } from '../src/server/routes/servable-file';
import { workspaceDir } from './helpers/workspace-files';

// A file is checked (inside its folder, not the workspace file, a regular file), then opened: between the two its
// name may be given to another file. It used to be checked by name and opened by name again, so what was sent was
// whatever had the name by then — a link to the workspace file (the gateway's keys), or a FIFO whose open waits for
// a writer in one of libuv's four file-system threads. Now the file is opened once and must be the one checked. The
// swap is made deterministically: the name is replaced after `checkServable`, before `openAsChecked`.

/** A guard against a hang: a FIFO opened for a blocking read would wait for ever, so any finite guard catches it. */
const GUARD_MS = 15_000;

const dir = await workspaceDir();
const site = join(dir, 'site');
mkdirSync(site);
const workspaceFile = join(dir, 'mock.agui.json');
writeFileSync(workspaceFile, '{"keys":["sk-secret-key"]}');
const env = { workspaceFile: () => workspaceFile };
const fdsOpen = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0);

/** `checkServable`'s answer for a fresh file `name` in the folder, then `swap` run on its path. */
async function checkedThenSwapped(name: string, swap: (path: string) => void) {
  const path = join(site, name);
  writeFileSync(path, 'public');
  const checked = await checkServable(path, site, env);
  swap(path);
  return checked;
}

async function refusal(promise: Promise<unknown>): Promise<UnservableFile> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${GUARD_MS} ms (a hang)`)), GUARD_MS);
  });
  try {
    await Promise.race([promise, hang]);
  } catch (error) {
    if (error instanceof UnservableFile) return error;
    throw error;
  } finally {
    clearTimeout(timer);
  }
  assert.fail('the file was opened');
}

test('the checked file opens, its descriptor reading it and its stats the descriptor’s', async () => {
  const path = join(site, 'plain.txt');
  writeFileSync(path, 'public');
  const opened = await openServable(path, site, env);
  try {
    assert.equal(opened.stats.size, 6);
    assert.equal((await opened.handle.readFile()).toString(), 'public');
  } finally {
    await opened.handle.close();
  }
});

test('a file replaced by a link to the workspace file after its check is not opened', async () => {
  const before = fdsOpen();
  const { real, stats } = await checkedThenSwapped('link.txt', (path) => {
    rmSync(path);
    symlinkSync(workspaceFile, path);
  });
  const refused = await refusal(openAsChecked(real, stats));
  assert.equal(refused.status, 403);
  assert.match(refused.message, /was replaced by another file while it was being opened/);
  assert.equal(fdsOpen(), before, 'no descriptor left open');
});

test('a file replaced by another (a hard link to the workspace file renamed over it) is not sent', async () => {
  const before = fdsOpen();
  const { real, stats } = await checkedThenSwapped('hard.txt', (path) => {
    linkSync(workspaceFile, join(site, 'hard.tmp'));
    renameSync(join(site, 'hard.tmp'), path);
  });
  const refused = await refusal(openAsChecked(real, stats));
  assert.equal(refused.status, 403);
  assert.match(refused.message, /was replaced by another file/);
  assert.equal(fdsOpen(), before, 'the descriptor opened is closed');
});

test('a file replaced by a FIFO after its check is refused at once, not waited on', async () => {
  const before = fdsOpen();
  const { real, stats } = await checkedThenSwapped('fifo.txt', (path) => {
    rmSync(path);
    execFileSync('mkfifo', [path]);
  });
  const refused = await refusal(openAsChecked(real, stats));
  assert.equal(refused.status, 404);
  assert.match(refused.message, /is not a regular file \(it is a named pipe \(FIFO\)\)/);
  assert.equal(fdsOpen(), before, 'the descriptor opened is closed');
});
