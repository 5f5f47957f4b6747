// Bundles the CLI into one JavaScript file that `node` runs (package.json "bin"). Dependencies stay external.
import { chmod } from 'node:fs/promises';
import { build } from 'esbuild';

const outfile = 'out/cli/agui-mock.js';
await build({
  entryPoints: ['src/cli/agui-mock.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
await chmod(outfile, 0o755);
