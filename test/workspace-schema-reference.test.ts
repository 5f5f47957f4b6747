import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../src/server/support/package-root';
import { schemaReference } from '../src/server/workspace/workspace-schema-reference';

// Where no project install is (see workspace-cli.test.ts), a file inside this package itself — a checkout's own
// examples — names the package's schema: the path stays inside the same tree, so it holds wherever it is cloned.

test("a workspace inside the package's own tree names its schema relative to the file", () => {
  const root = packageRoot();
  assert.equal(schemaReference(join(root, 'examples', 'shop.agui.json')), '../resources/workspace.schema.json');
  assert.equal(schemaReference(join(root, 'mock.agui.json')), './resources/workspace.schema.json');
});
