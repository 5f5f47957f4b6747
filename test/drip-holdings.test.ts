import assert from 'node:assert/strict';
import { renameSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DripHoldings } from '../src/server/routes/drip-holdings';
import { dripFileBody, firstBytes } from '../src/server/routes/fault-body';
import { openAsChecked } from '../src/server/routes/servable-file';

// Each drip of a small file held its own copy of it for as long as it played, with nothing bounding them together:
// 10,000 drips at once (the default connection limit) of 64 KiB files held 625 MiB.

test('drips hold small files within one bound; past it a drip reads its file as it goes, holding nothing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'agui-drip-holdings-'));
  try {
    const path = join(dir, 'small.txt');
    writeFileSync(path, 'a'.repeat(1000));
    const holdings = new DripHoldings(2500);
    const drip = async () => dripFileBody(await openAsChecked(path, statSync(path)), holdings);
    const [first, second, third] = [await drip(), await drip(), await drip()];
    assert.equal(holdings.heldBytes, 2000, 'two copies fit, the third does not');

    // Another file put in its place: the copies drip what the file was; the third, read as it plays, refuses to send
    // another file's bytes.
    writeFileSync(join(dir, 'other.tmp'), 'b'.repeat(1000));
    renameSync(join(dir, 'other.tmp'), path);
    assert.equal((await firstBytes(first, 1000)).toString(), 'a'.repeat(1000));
    assert.equal((await firstBytes(second, 1000)).toString(), 'a'.repeat(1000));
    await assert.rejects(firstBytes(third, 1000), /another file was put in its place/);

    // What a drip held is given back once, however often it is released; then a new drip holds again.
    first.release();
    first.release();
    third.release();
    assert.equal(holdings.heldBytes, 1000);
    const fourth = await drip();
    assert.equal(holdings.heldBytes, 2000);
    assert.equal((await firstBytes(fourth, 1000)).toString(), 'b'.repeat(1000));
    second.release();
    fourth.release();
    assert.equal(holdings.heldBytes, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
