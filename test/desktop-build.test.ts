import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

// The desktop app's build (electron-vite: out/main, out/preload), checked without Electron, whose binary this machine
// may not have (e2e/electron-app.test.ts starts the app where it can). Its bundles must at least be valid modules:
// a bundle that declared `require` twice (electron-vite's own, and an engine module's) was a desktop app that could
// not start, which nothing here noticed.

const BUILT = ['out/main', 'out/preload'];

function bundles(): string[] {
  for (const dir of BUILT) assert.ok(existsSync(dir), `${dir} is missing: build first (npm test does)`);
  return BUILT.flatMap((dir) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.c?js$/.test(entry.name))
      .map((entry) => join(entry.parentPath, entry.name)),
  );
}

test("every file of the desktop app's build is a module Node can parse", () => {
  const files = bundles();
  assert.ok(files.includes(join('out', 'main', 'index.js')), 'the main process is built');
  for (const file of files) {
    const checked = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    assert.equal(checked.status, 0, `${file}: ${checked.stderr}`);
  }
});
