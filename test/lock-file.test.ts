import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { takeLockFile } from '../src/server/support/lock-file';

// The lock the self-signed certificate and the recent-workspaces list are written under, across processes.

const TIMES = { waitMs: 2_000, staleMs: 1_000 };
const folder = await mkdtemp(join(tmpdir(), 'lock-file-'));
let n = 0;
const lockPath = () => join(folder, `l${n++}.lock`);
const makeStale = (path: string) => utimes(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));

// A bound of its own: the taker it stands against retried such a lock without end, hanging the suite.
test('a stale lock that is no file (a folder) is moved aside, not retried without end', {
  timeout: 20_000,
}, async () => {
  const lock = lockPath();
  await mkdir(lock);
  await makeStale(lock);
  const release = await takeLockFile(lock, TIMES);
  assert.ok(release, 'the lock is had');
  await release();
});

test('a release removes only its own lock: one taken over as stale since stays with its new holder', async () => {
  const lock = lockPath();
  const first = await takeLockFile(lock, TIMES);
  assert.ok(first);
  await makeStale(lock);
  const second = await takeLockFile(lock, TIMES);
  assert.ok(second);
  const held = await readFile(lock, 'utf8');
  await first();
  assert.equal(await readFile(lock, 'utf8'), held, 'the second holder keeps its lock');
  await second();
  assert.deepEqual(
    await readdir(folder).then((names) => names.filter((name) => name.startsWith(lock.slice(folder.length + 1)))),
    [],
  );
});

test('two takers of one stale lock: one has it, the other only once it is released', async () => {
  const lock = lockPath();
  await writeFile(lock, 'left by a process that died');
  await makeStale(lock);
  const had: { at: number; release: () => Promise<void> }[] = [];
  const taking = [0, 1].map(() =>
    takeLockFile(lock, { waitMs: 10_000, staleMs: 1_000 }).then((release) => {
      assert.ok(release);
      had.push({ at: performance.now(), release });
    }),
  );
  while (had.length === 0) await sleep(5);
  // Time for a second taker to have it wrongly as well; its lock is a fresh one now, not stale.
  await sleep(200);
  assert.equal(had.length, 1, 'one holder at a time');
  const releasedAt = performance.now();
  await had[0]?.release();
  await Promise.all(taking);
  assert.ok((had[1]?.at ?? 0) >= releasedAt, 'the second had it after the first let go');
  await had[1]?.release();
});
