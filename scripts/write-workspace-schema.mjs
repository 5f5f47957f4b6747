// Writes resources/workspace.schema.json from the zod workspace schema (src/shared/workspace.ts), so editors
// can validate workspace files. Run after changing any schema a workspace uses; a test fails while it is stale.
//   npm run schema
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const { workspaceJsonSchemaText } = await import('../src/server/workspace/workspace-json-schema.ts');
const target = fileURLToPath(new URL('../resources/workspace.schema.json', import.meta.url));
await writeFile(target, workspaceJsonSchemaText());
// In the repository's own style, so `biome check .` stays clean (the test compares parsed JSON, not text).
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const formatted = spawnSync(npx, ['biome', 'format', '--write', target], { stdio: 'inherit' });
if (formatted.status !== 0) process.exit(formatted.status ?? 1);
console.log(`wrote ${target}`);
