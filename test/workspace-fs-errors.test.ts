import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeFsError } from '../src/server/workspace/workspace-fs-errors';

const errno = (code: string, message: string) => Object.assign(new Error(message), { code });

test('a permission refusal says whether reading or writing was refused', () => {
  const denied = errno('EACCES', "EACCES: permission denied, open '/x/ws.json'");
  assert.equal(describeFsError(denied, 'read'), 'permission denied: the folder or file is not readable (EACCES)');
  assert.equal(describeFsError(denied), 'permission denied: the folder or file is not writable (EACCES)');
});

test("an error without words of its own shows Node's message once, its code first", () => {
  assert.equal(describeFsError(errno('EFBIG', 'EFBIG: file too large, write')), 'EFBIG: file too large, write');
  assert.equal(describeFsError(errno('EIO', 'i/o error')), 'EIO: i/o error');
  assert.equal(describeFsError(new Error('plain')), 'plain');
});
