import assert from 'node:assert/strict';
import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeFolders, removeFolders } from '../src/server/workspace/missing-folders';

test('makeFolders makes the missing folders, shallowest first, and removeFolders takes exactly those away', async () => {
  const base = await mkdtemp(join(tmpdir(), 'agui-missing-folders-'));
  const made = await makeFolders(join(base, 'a', 'b'));
  assert.deepEqual(made, [join(base, 'a'), join(base, 'a', 'b')]);
  assert.ok((await stat(join(base, 'a', 'b'))).isDirectory());
  assert.deepEqual(await makeFolders(join(base, 'a', 'b')), [], 'nothing missing, nothing made');
  await removeFolders(made);
  assert.deepEqual(await readdir(base), []);
});

test('makeFolders that fails part-way removes the folders it had made before it throws', async () => {
  const base = await mkdtemp(join(tmpdir(), 'agui-missing-folders-'));
  // `new1` is made; the next name is longer than a file system takes (255 bytes), so its mkdir fails (stat of the
  // whole path said ENOENT, at new1, before).
  const path = join(base, 'new1', 'x'.repeat(256), 'new2');
  await assert.rejects(makeFolders(path), { code: 'ENAMETOOLONG' });
  assert.deepEqual(await readdir(base), [], 'new1 is gone again');
});
