// `npm test`: the whole suite, the same here and in CI — lint, typecheck, build, then every test file
// (engine, CLI, and the console in a real Chromium), compiled (`build-tests.mjs`), with node's test runner.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTests } from './build-tests.mjs';
import { ensureChromium } from './find-chromium.mjs';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function step(title, command, args, env = process.env) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`\n✖ ${title} failed`);
    process.exit(result.status ?? 1);
  }
}

/**
 * Runs one command beside others: its output is held and printed whole, under its title, once it ends (so steps
 * running at once never interleave their lines). Resolves whether it passed.
 */
function sideBySide(title, command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    const done = (passed, why = '') => {
      console.log(`\n▶ ${title}`);
      process.stdout.write(Buffer.concat(output));
      if (!passed) console.error(`\n✖ ${title} failed${why}`);
      resolve(passed);
    };
    child.once('error', (error) => done(false, `: ${error.message}`));
    child.once('close', (code) => done(code === 0));
  });
}

/** Steps one after the other (each needs the one before); resolves false at the first that fails. */
async function inOrder(...steps) {
  for (const run of steps) if (!(await run())) return false;
  return true;
}

function testFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

// The checks read the sources and the builds write only out/: they run at once (10 s instead of 12.5 on a 2-core
// machine with one core busy), and all of them finish, so one run names every step that fails.
const passed = await Promise.all([
  sideBySide('lint and format (biome)', npx, ['biome', 'check', '.']),
  sideBySide('typecheck (node)', npx, ['tsc', '-p', 'tsconfig.node.json', '--noEmit']),
  sideBySide('typecheck (web)', npx, ['tsc', '-p', 'tsconfig.web.json', '--noEmit']),
  inOrder(
    () => sideBySide('build (console, desktop shell)', npx, ['electron-vite', 'build', '--logLevel', 'warn']),
    () => sideBySide('build the npm package (CLI and library)', process.execPath, ['scripts/build-bundles.mjs']),
    () => sideBySide("build the library's type declarations", process.execPath, ['scripts/build-declarations.mjs']),
  ),
]);
if (passed.includes(false)) process.exit(1);

let chromium;
try {
  chromium = ensureChromium();
} catch (error) {
  console.error(`\n${error.message}`);
  process.exit(1);
}
console.log(`\nChromium for end-to-end tests: ${chromium}`);

const files = await buildTests([...testFiles('test'), ...testFiles('e2e')]);
// In a terminal node's own reporter lists the failures at the end; in a log (CI), TAP does not: ours names them just
// before the summary, where a log shown by its tail still has them.
const reporter = process.stdout.isTTY
  ? []
  : ['--test-reporter=./scripts/tap-naming-failures.mjs', '--test-reporter-destination=stdout'];
// The engines and CLIs the tests start keep their recent list and certificate here, never in the user's config
// folder: a test run filled the console's Recent list with its temporary workspaces.
const configDir = mkdtempSync(join(tmpdir(), 'agui-mock-test-config-'));
process.on('exit', () => rmSync(configDir, { recursive: true, force: true }));
step(
  `tests (${files.length} files)`,
  process.execPath,
  ['--enable-source-maps', '--test', '--test-concurrency=2', ...reporter, ...process.argv.slice(2), ...files],
  // The package was built above: the tests that run the CLI need not build it again (test/helpers/cli-process.ts).
  { ...process.env, CHROMIUM_PATH: chromium, AGUI_MOCK_PACKAGE_BUILT: '1', AGUI_MOCK_CONFIG_DIR: configDir },
);
