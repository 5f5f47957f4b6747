import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { WORKSPACE_TEMPLATES } from '../src/shared/workspace';
import { buildCli, CLI } from './helpers/cli-process';
import { workspaceDir } from './helpers/workspace-files';

// The published JSON Schema as CI users check files with it: ajv's defaults (strict mode) and ajv-formats.

const dir = await workspaceDir();
before(() => buildCli());

async function strictValidator() {
  const schema: unknown = JSON.parse(await readFile('resources/workspace.schema.json', 'utf8'));
  const ajv = new Ajv2020();
  addFormats(ajv);
  // Throws on what strict mode refuses (an unknown format, an unknown keyword), as `ajv-cli` would.
  return ajv.compile(schema as object);
}

test('the published schema compiles under ajv defaults and accepts every template init writes', async () => {
  const validate = await strictValidator();
  for (const template of WORKSPACE_TEMPLATES) {
    const file = join(dir, `${template}.agui.json`);
    const init = spawnSync(process.execPath, [CLI, 'init', file, '--template', template], { encoding: 'utf8' });
    assert.equal(init.status, 0, init.stderr);
    const document: unknown = JSON.parse(await readFile(file, 'utf8'));
    assert.ok(validate(document), `${template}: ${JSON.stringify(validate.errors)}`);
  }
});

test('the published schema refuses unknown fields in substring, regex and always triggers, as everywhere else', async () => {
  const validate = await strictValidator();
  for (const trigger of [
    { match: 'substring', value: 'x', priorty: 5 },
    { match: 'regex', pattern: 'x', caseSenstive: true },
    { match: 'always', priorty: -1 },
  ]) {
    const document = { version: 2, name: 'x', scenarios: [{ id: 's', name: 's', triggers: [trigger], steps: [] }] };
    assert.equal(validate(document), false, `${trigger.match} with a misspelt key is refused`);
  }
});
