import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(
      /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/gm,
    ),
  ].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

function violations(dir: string, forbidden: (specifier: string) => boolean): string[] {
  return sourceFiles(dir).flatMap((file) =>
    importsOf(file)
      .filter(forbidden)
      .map((specifier) => `${file} imports ${specifier}`),
  );
}

test('the engine (src/server) never imports electron, React or the renderer', () => {
  assert.deepEqual(
    violations(
      'src/server',
      (s) => s === 'electron' || s.startsWith('electron/') || s === 'react' || s.includes('renderer'),
    ),
    [],
  );
});

test('the renderer reaches the engine only through src/shared', () => {
  assert.deepEqual(
    violations(
      'src/renderer',
      (s) => s === 'electron' || s.includes('/server/') || s.includes('/main/') || s.startsWith('node:'),
    ),
    [],
  );
});

test('shared types depend on nothing but zod and @ag-ui/core', () => {
  assert.deepEqual(
    violations('src/shared', (s) => !s.startsWith('.') && s !== 'zod' && !s.startsWith('@ag-ui/core')),
    [],
  );
});

test('the check itself finds an electron import', () => {
  assert.deepEqual(importsOf('src/main/index.ts').includes('electron'), true);
});
