import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

// `npm test` in a log (CI) reports with scripts/tap-naming-failures.mjs: node's TAP, the failures named again just
// before the summary, so a log shown by its tail says which test failed.

const REPORTER = resolve('scripts/tap-naming-failures.mjs');
const folder = mkdtempSync(join(tmpdir(), 'tap-naming-failures-'));
after(() => rmSync(folder, { recursive: true, force: true }));

function runTests(files: Record<string, string>): Promise<string> {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  const args = ['--test', `--test-reporter=${REPORTER}`, '--test-reporter-destination=stdout', ...Object.keys(files)];
  // Without the runner's NODE_TEST_CONTEXT, which would make this run report to ours instead of writing its own output.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return promisify(execFile)(process.execPath, args, { cwd: folder, env }).then(
    ({ stdout }) => stdout,
    (error: { stdout: string }) => error.stdout,
  );
}

test('the failed tests are named with why just before the summary; the summary closes the output as node writes it', async () => {
  const output = await runTests({
    'one.test.mjs': `import test from 'node:test';
import assert from 'node:assert';
test('passes', () => {});
test('outer', async (t) => { await t.test('inner breaks', () => assert.equal(1, 2, 'one is not two')); });`,
    'two.test.mjs': `import test from 'node:test';
test('throws', () => { throw new Error('boom\\n\\nsecond line\\n' + 'x'.repeat(1000)); });`,
  });
  const lines = output.trimEnd().split('\n');
  const summary = lines.findIndex((line) => /^# tests \d+$/.test(line));
  assert.ok(summary > 0, output);
  assert.deepEqual(
    lines.slice(summary).map((line) => line.replace(/ [\d.]+$/, ' N')),
    ['# tests N', '# suites N', '# pass N', '# fail N', '# cancelled N', '# skipped N', '# todo N', '# duration_ms N'],
  );
  assert.equal(lines[summary + 3], '# fail 3', 'the parent of the failing subtest fails too');
  // Only the tests that failed themselves are named: not "outer", which failed because its subtest did.
  const named = lines.slice(lines.indexOf('# 2 failed:'), summary);
  assert.equal(named.length, 7, output);
  assert.match(named[1] ?? '', /^# ✖ inner breaks \(.*one\.test\.mjs:4\)$/);
  assert.equal(named[2], '#     one is not two');
  assert.match(named[3] ?? '', /^# ✖ throws \(.*two\.test\.mjs:2\)$/);
  // A line of a message is cut at 240 characters.
  assert.deepEqual(named.slice(4), ['#     boom', '#     second line', `#     ${'x'.repeat(240)}…`]);
  // TAP's own lines are all still there.
  assert.match(output, /^not ok \d+ - throws$/m);
  assert.match(output, /^ {4}not ok 1 - inner breaks$/m);
});

test('a run that passes reads as node writes it: no failures named', async () => {
  const output = await runTests({ 'fine.test.mjs': `import test from 'node:test';\ntest('passes', () => {});` });
  assert.match(output, /^# pass 1$/m);
  assert.doesNotMatch(output, /failed:/);
});
