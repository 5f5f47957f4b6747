import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeWorkspaceText } from '../src/server/workspace/workspace-codec';
import { WorkspaceError } from '../src/server/workspace/workspace-error';
import { buildCli, runCli } from './helpers/cli-process';
import { agoraWorkspaceFile, startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// Workspace text nested too deep or with too many keys in one object is refused before JSON.parse, which would
// build the whole value first: tens of MB of it held the engine for seconds to a minute, at GBs of memory.

buildCli();
const dir = await workspaceDir();

/** A workspace nesting arrays `levels` deep (200 KB for 100,000: far past the limit, yet quick to write). */
const deep = (levels: number) => `{"version":2,"name":"deep","d":${'['.repeat(levels)}${']'.repeat(levels)}}`;

/** A workspace whose one record holds `count` keys. */
function wide(count: number): string {
  const keys = Array.from({ length: count }, (_, index) => `"k${index}":1`).join(',\n');
  return `{"version":2,"name":"wide","collections":[{"id":"c","name":"c","path":"/c","records":[{\n${keys}}]}]}`;
}

/** How many times `action` has JSON.parse read `text` (or a text as long, which the engine's copy would be). */
async function parsesOf(text: string, action: () => unknown): Promise<number> {
  const parse = JSON.parse;
  let count = 0;
  JSON.parse = (source: string, reviver?: Parameters<typeof parse>[1]) => {
    if (typeof source === 'string' && source.length >= text.length) count++;
    return parse(source, reviver);
  };
  try {
    await action();
  } finally {
    JSON.parse = parse;
  }
  return count;
}

const importBody = (server: { url: string; token: string }, body: string) =>
  fetch(`${server.url}/__console/api/workspace/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body,
  });

test('a file nested past the limit is refused at the bracket one level too deep, and never parsed', async () => {
  const text = deep(100_000);
  const parses = await parsesOf(text, () =>
    assert.throws(
      () => decodeWorkspaceText(text, 'deep.agui.json'),
      (error: unknown) =>
        error instanceof WorkspaceError &&
        error.message ===
          'deep.agui.json:1:1047: (root): objects and arrays nested deeper than 1016 levels: ' +
            'no workspace nests that deep',
    ),
  );
  assert.equal(parses, 0);
});

test('validate refuses a record of more than 100,000 keys at the key past the limit, naming the record', async () => {
  const file = join(dir, 'wide.agui.json');
  await writeFile(file, wide(100_001));
  const run = runCli(['validate', file]);
  assert.equal((await run.exited()).code, 1);
  assert.match(
    run.stderr(),
    /wide\.agui\.json:100002:1: collections\.0\.records\.0: an object with more than 100,000 keys \(this is the next one\): no workspace needs that many in one object; remove keys, or split them over several objects/,
  );
});

test('an import nested past the limit or too wide is refused with 400 before its body is parsed', async () => {
  const server = await startWorkspaceEngine(dir, await agoraWorkspaceFile(dir, 'import.agui.json'));
  const body = deep(100_000);
  let response: Response | undefined;
  assert.equal(
    await parsesOf(body, async () => {
      response = await importBody(server, body);
    }),
    0,
  );
  assert.equal(response?.status, 400);
  assert.deepEqual(await response?.json(), {
    detail:
      'Request body rejected: JSON nested deeper than the limit of 1016 levels (the limit of a workspace document)',
  });
  const tooWide = await importBody(server, wide(100_001));
  assert.equal(tooWide.status, 400);
  assert.deepEqual(await tooWide.json(), {
    detail:
      'Request body rejected: an object with more than 100,000 keys, at line 100002, column 1 ' +
      '(the limit of a workspace document)',
  });
  assert.equal(server.workspace.status().name, 'import.agui.json', 'the world served is the one loaded');
});

/** How many times `action` has looked `text` through (`scanJsonText` begins by finding its first backslash). */
async function scansOf(text: string, action: () => unknown): Promise<number> {
  const indexOf = String.prototype.indexOf;
  let count = 0;
  String.prototype.indexOf = function (this: string, search: string, position?: number) {
    if (search === '\\' && position === undefined && this.length >= text.length) count++;
    return indexOf.call(this, search, position);
  };
  try {
    await action();
  } finally {
    String.prototype.indexOf = indexOf;
  }
  return count;
}

test("an import's body is looked through once and parsed once, as a file's text is", async () => {
  const server = await startWorkspaceEngine(dir, await agoraWorkspaceFile(dir, 'import-once.agui.json'));
  const body = JSON.stringify({ ...server.workspace.document(), name: 'once' });
  let response: Response | undefined;
  let parses = 0;
  const scans = await scansOf(body, async () => {
    parses = await parsesOf(body, async () => {
      response = await importBody(server, body);
    });
  });
  assert.equal(response?.status, 200);
  assert.deepEqual({ scans, parses }, { scans: 1, parses: 1 });
  assert.equal(server.workspace.status().name, 'once');
});
