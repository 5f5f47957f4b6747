// Bundles what runs on plain Node, for the npm package: the CLI (package.json "bin", out/cli/agui-mock.js) and the
// library (`import 'agui-mock'`, out/lib/index.js), sharing one chunk of engine code (out/lib/engine.js).
// Dependencies stay external: they are the package's dependencies. Files are replaced atomically and only when
// they change, so a test running the CLI (or packing) while another test rebuilds never reads half a file.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { build } from 'esbuild';

const CLI = resolve('out/cli/agui-mock.js');
const result = await build({
  entryPoints: { 'cli/agui-mock': 'src/cli/agui-mock.ts', 'lib/index': 'src/lib/index.ts' },
  outdir: 'out',
  // One fixed name: a second chunk would be an error here (same path), not a stale file left in the package.
  chunkNames: 'lib/engine',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  write: false,
  logLevel: 'warning',
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
