import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { OpenApiImportReply } from '../src/server/openapi/openapi-import-thread';

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
  assert.ok(files.includes(join('out', 'main', 'openapi-import-worker.js')), 'its OpenAPI import thread is built');
  for (const file of files) {
    const checked = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    assert.equal(checked.status, 0, `${file}: ${checked.stderr}`);
  }
});

test("the desktop app's OpenAPI import thread imports a document (it needs nothing of Electron's)", async () => {
  bundles();
  const worker = new Worker(resolve('out', 'main', 'openapi-import-worker.js'));
  try {
    const reply = new Promise<OpenApiImportReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const text = readFileSync('test/fixtures/openapi/bookshop-3.0.yaml', 'utf8');
    worker.postMessage({ id: 7, job: { input: { text }, options: { maxJsonDepth: 32 } } });
    const answer = await reply;
    assert.equal(answer.id, 7);
    assert.ok(answer.ok && 'result' in answer, JSON.stringify(answer));
    const ids = answer.result.routes.map((route) => route.id);
    assert.ok(ids.includes('list-books'), ids.join(', '));
  } finally {
    await worker.terminate();
  }
});
