// `npm test`: the whole suite, the same here and in CI — lint, typecheck, build, then every test file
// (engine, CLI, and the console in a real Chromium) with node's test runner.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
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

function testFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

step('lint and format (biome)', npx, ['biome', 'check', '.']);
step('typecheck (tsc, node and web)', npx, ['tsc', '-p', 'tsconfig.node.json', '--noEmit']);
step('typecheck (web)', npx, ['tsc', '-p', 'tsconfig.web.json', '--noEmit']);
step('build (console, desktop shell)', npx, ['electron-vite', 'build', '--logLevel', 'warn']);
step('build the npm package (CLI and library)', process.execPath, ['scripts/build-bundles.mjs']);
step("build the library's type declarations", process.execPath, ['scripts/build-declarations.mjs']);

let chromium;
try {
  chromium = ensureChromium();
} catch (error) {
  console.error(`\n${error.message}`);
  process.exit(1);
}
console.log(`\nChromium for end-to-end tests: ${chromium}`);

const files = [...testFiles('test'), ...testFiles('e2e')];
step(
  `tests (${files.length} files)`,
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...process.argv.slice(2), ...files],
  { ...process.env, CHROMIUM_PATH: chromium },
);
