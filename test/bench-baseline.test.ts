import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { baselineEngine } from '../bench/baseline-engine';
import { configFromEnv } from '../bench/config';
import { formatReport } from '../bench/report';
import { killAllServerChildren, ServerChild } from '../bench/server-child';

// `BENCH_BASELINE`: the bench's A/B of this tree's engine against another revision's (docs/benchmarks.md).

after(killAllServerChildren);

function headCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
const head = headCommit();

test('BENCH_BASELINE takes a git revision, never an option; BENCH_ROUNDS a count of rounds', () => {
  assert.equal(configFromEnv({ BENCH_BASELINE: 'HEAD~1' }).baseline, 'HEAD~1');
  assert.equal(configFromEnv({ BENCH_BASELINE: 'v1.2.0' }).baseline, 'v1.2.0');
  assert.equal(configFromEnv({}).baseline, undefined);
  for (const hostile of ['--output=/tmp/x', '-p', 'a b', 'HEAD;rm', '$(id)'])
    assert.throws(() => configFromEnv({ BENCH_BASELINE: hostile }), /BENCH_BASELINE: a git revision/, hostile);
  assert.equal(configFromEnv({ BENCH_ROUNDS: '15' }).rounds, 15);
  assert.equal(configFromEnv({ BENCH_QUICK: '1' }).rounds, 3);
  for (const bad of ['0', '1.5', '101', 'many'])
    assert.throws(() => configFromEnv({ BENCH_ROUNDS: bad }), /BENCH_ROUNDS/, bad);
});

test('an A/B report says what it measured against and judges no budget line', () => {
  const report = formatReport({ baseline: { revision: 'HEAD~1', commit: 'a'.repeat(40) } }, []);
  assert.match(
    report,
    /^A\/B: REST, WS and SSE measure this tree's engine \("ours"\) against the engine at a{40} \(HEAD~1\)/,
  );
  assert.doesNotMatch(report, /Budget/);
});

test('a revision is not a commit here: the error names it', { skip: !head && 'not a git checkout' }, () => {
  assert.throws(() => baselineEngine('no-such-revision-of-this-repo'), /no-such-revision-of-this-repo is not a commit/);
});

test("another revision's engine is compiled from its own sources and serves", {
  skip: !head && 'not a git checkout',
}, async () => {
  // The copy is a cache kept per commit: one this test made goes when it ends.
  const copy = join(tmpdir(), `agui-mock-baseline-${head}`);
  if (!existsSync(copy)) after(() => rmSync(copy, { recursive: true, force: true }));
  const baseline = baselineEngine('HEAD');
  assert.equal(baseline.commit, head);
  assert.equal(baseline.label, `engine at ${head?.slice(0, 7)}`);
  assert.equal(baseline.entry, join(copy, 'bench', 'servers', 'engine-child.ts'));
  // A second call finds the copy in place.
  assert.deepEqual(baselineEngine('HEAD'), baseline);
  const engine = await ServerChild.start('engine', { speed: 0 }, { baseline });
  try {
    const health = await fetch(`${engine.url}/health`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(health.status, 200);
    assert.ok((await engine.cpuMicros()) > 0);
  } finally {
    await engine.stop();
  }
  await assert.rejects(
    ServerChild.start('bare-koa', {}, { baseline }),
    /a baseline revision is an engine, not bare-koa/,
  );
});
