import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

/** Files under `dir` that load electron at run time (`import type` is erased and does not count). */
function runtimeElectronImports(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .filter((name) =>
      /^\s*import\s+(?!type\s)[^'"]*from\s+['"]electron['"]/m.test(readFileSync(join(dir, name), 'utf8')),
    )
    .sort();
}

test('only index.ts loads electron: every other main and preload module gets its Electron pieces passed in', () => {
  assert.deepEqual(runtimeElectronImports('src/main'), ['index.ts']);
  assert.deepEqual(runtimeElectronImports('src/preload'), ['index.ts']);
});

test('the built preload is one CommonJS file that requires nothing but electron (so the sandbox can stay on)', (t) => {
  let bundle: string;
  try {
    bundle = readFileSync('out/preload/index.cjs', 'utf8');
  } catch {
    t.skip('out/preload/index.cjs is not built (npm test builds it first)');
    return;
  }
  const requires = [...bundle.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => match[1]);
  assert.deepEqual([...new Set(requires)], ['electron']);
  assert.doesNotMatch(bundle, /\bimport\s*\(|^\s*import\s/m);
});
