import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeFsError, describeFsErrorAt } from '../src/server/workspace/workspace-fs-errors';

const errno = (code: string, message: string) => Object.assign(new Error(message), { code });

test('a permission refusal says whether reading or writing was refused', () => {
  const denied = errno('EACCES', "EACCES: permission denied, open '/x/ws.json'");
  assert.equal(describeFsError(denied, 'read'), 'permission denied: the folder or file is not readable (EACCES)');
  assert.equal(describeFsError(denied), 'permission denied: the folder or file is not writable (EACCES)');
});

test('out of file descriptors: whose limit, and what raises it', () => {
  assert.equal(
    describeFsError(errno('EMFILE', "EMFILE: too many open files, open '/x/ws.json'")),
    'the engine has as many files and connections open as its limit allows (EMFILE): raise the limit on open files (ulimit -n) where the engine runs',
  );
  assert.equal(
    describeFsError(errno('ENFILE', 'ENFILE: file table overflow'), 'read'),
    "the system has as many files open as it allows (ENFILE): close programs, or raise the system's limit (fs.file-max)",
  );
});

test("an error without words of its own shows Node's message once, its code first", () => {
  assert.equal(describeFsError(errno('EFBIG', 'EFBIG: file too large, write')), 'EFBIG: file too large, write');
  assert.equal(describeFsError(errno('EIO', 'i/o error')), 'EIO: i/o error');
  assert.equal(describeFsError(new Error('plain')), 'plain');
});

test('at a place, a write names the folder and says the reason its code gives', () => {
  const place = { file: '/data/w.agui.json', folder: '/data' };
  const at = (code: string, more: Partial<NodeJS.ErrnoException> = {}, extra = {}) =>
    describeFsError(Object.assign(errno(code, `${code}: x`), more), 'write', { ...place, ...extra });
  assert.equal(at('ENOENT'), 'the folder /data does not exist (ENOENT)');
  assert.equal(
    at('ENOENT', { syscall: 'open' }, { folderExists: true }),
    'no file can be created in /data: the folder exists, but its file system does not take new files (ENOENT)',
  );
  assert.equal(
    at('ENOENT', { syscall: 'rename' }, { folderExists: true }),
    'the temporary file in /data was removed before it could replace the file (ENOENT)',
  );
  const allowWriting = 'allow the user the engine runs as to write there, or choose another folder';
  assert.equal(at('EACCES'), `permission denied: not allowed to write in /data (EACCES); ${allowWriting}`);
  assert.equal(at('EPERM'), `permission denied: not allowed to write in /data (EPERM); ${allowWriting}`);
  assert.equal(at('EROFS'), '/data is on a read-only file system (EROFS)');
  assert.equal(at('ENOSPC'), 'the disk is full: no room in /data (ENOSPC)');
  assert.equal(at('EDQUOT'), 'the disk quota is exceeded: no room in /data (EDQUOT)');
  assert.equal(at('EISDIR'), '/data/w.agui.json is a folder (EISDIR)');
  assert.equal(at('EEXIST'), '/data/w.agui.json already exists (EEXIST)');
  assert.equal(
    at('ENOTDIR', {}, { notAFolder: '/data' }),
    'a part of the path, /data, is a file, not a folder (ENOTDIR)',
  );
  assert.equal(at('ENOTDIR'), 'a part of the path is a file, not a folder (ENOTDIR)');
  // Every folder on the way could be looked into (`describeFsErrorAt` found none closed): the file's own refusal.
  assert.equal(
    describeFsError(errno('EACCES', 'x'), 'read', place),
    'permission denied: not allowed to read /data/w.agui.json (EACCES); allow the user the engine runs as to read it, or choose another file',
  );
  // A folder on the way the engine may not look into (found by `describeFsErrorAt`): named, with what to do.
  assert.equal(
    describeFsError(errno('EACCES', 'x'), 'read', { ...place, closedFolder: '/data/locked' }),
    'permission denied: not allowed to look into /data/locked (EACCES); allow the user the engine runs as to open it, or choose another folder',
  );
});

test('describeFsErrorAt looks at the place: the folder the failing call was in, whether it is there', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'agui-fs-errors-'));
  try {
    const file = join(dir, 'w.agui.json');
    // An open of the temp file beside the target: its folder is the one named.
    const inDir = Object.assign(errno('ENOENT', 'ENOENT'), { syscall: 'open', path: join(dir, '.w.tmp') });
    assert.match(
      await describeFsErrorAt(inDir, file),
      /^no file can be created in .*agui-fs-errors-\w+: the folder exists/,
    );
    const missing = join(dir, 'gone', 'sub');
    const notThere = Object.assign(errno('ENOENT', 'ENOENT'), { syscall: 'open', path: join(missing, '.w.tmp') });
    assert.equal(
      await describeFsErrorAt(notThere, join(missing, 'w.agui.json')),
      `the folder ${missing} does not exist (ENOENT)`,
    );
    // A rename or a copy names its target as `dest`: that folder is the one named.
    const copied = Object.assign(errno('EROFS', 'EROFS'), { path: '/elsewhere/src', dest: join(dir, 'w.bak') });
    assert.equal(await describeFsErrorAt(copied, file), `${dir} is on a read-only file system (EROFS)`);
    // No path on the error (an injected fault): the file's own folder.
    assert.equal(await describeFsErrorAt(errno('ENOSPC', 'x'), file), `the disk is full: no room in ${dir} (ENOSPC)`);
    const plain = join(dir, 'plain.txt');
    await writeFile(plain, 'x');
    assert.equal(
      await describeFsErrorAt(errno('ENOTDIR', 'x'), join(plain, 'a', 'w.agui.json'), 'read'),
      `a part of the path, ${plain}, is a file, not a folder (ENOTDIR)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
