// Bundles what runs on plain Node, for the npm package: the CLI (package.json "bin", out/cli/agui-mock.js) and the
// library (`import 'agui-mock'`, out/lib/index.js), sharing chunks of engine code in out/lib/ (the CLI loads the
// engine's only for the commands that need it). Dependencies stay external: they are the package's dependencies.
// Files are replaced atomically and only when they change, so a test running the CLI (or packing) while another
// test rebuilds never reads half a file.
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { NODE_BUNDLE_OPTIONS } from './node-bundle-options.mjs';

const CLI = resolve('out/cli/agui-mock.js');
const CHUNKS = resolve('out/lib');
const result = await build({
  entryPoints: {
    'cli/agui-mock': 'src/cli/agui-mock.ts',
    'lib/index': 'src/lib/index.ts',
    // The thread an engine imports OpenAPI documents in (src/server/openapi/openapi-import-thread.ts finds it here).
    'lib/openapi-import-worker': 'src/server/openapi/openapi-import-worker.ts',
  },
  outdir: 'out',
  // Named by their content: chunks of an earlier build that this one did not write are removed below.
  chunkNames: 'lib/[name]-[hash]',
  ...NODE_BUNDLE_OPTIONS,
  splitting: true,
  write: false,
});

for (const file of result.outputFiles) {
  const current = await readFile(file.path).catch(() => undefined);
  if (current?.equals(file.contents)) continue;
  await mkdir(dirname(file.path), { recursive: true });
  const temporary = `${file.path}.${process.pid}.tmp`;
  // The CLI is run as a command (its #! line comes from src/cli/agui-mock.ts).
  await writeFile(temporary, file.contents, { mode: file.path === CLI ? 0o755 : 0o644 });
  await rename(temporary, file.path);
}

// What an earlier build left in out/lib/ and this one did not write (the package takes every out/lib/*.js).
const written = new Set(result.outputFiles.map((file) => file.path));
for (const name of await readdir(CHUNKS)) {
  const path = join(CHUNKS, name);
  if (name.endsWith('.js') && !written.has(path)) await unlink(path);
}
