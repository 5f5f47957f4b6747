import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { agoraSeed } from '../src/server/packs/agora/store/agora-seed';
import { buildCli, CLI } from './helpers/cli-process';
import { workspaceDir } from './helpers/workspace-files';

// `agui-mock validate` on hand-written files, as the real bin file: what it refuses, where, and what it warns about.

const dir = await workspaceDir();
before(() => buildCli());

async function validate(name: string, workspace: unknown) {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(workspace, null, 2));
  const result = spawnSync(process.execPath, [CLI, 'validate', file], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The problem lines of a refused file, each as `path: problem`. */
function problems(stderr: string): string[] {
  const [first = '', ...rest] = stderr.trim().split('\n');
  const head = first.replace(/^agui-mock: .*?\.json: /, '').replace(/ \(and \d+ more problems?\)$/, '');
  return [head, ...rest.map((line) => line.trim())];
}

const route = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  path: `/${id}`,
  responses: [{ id: 'r', body: { json: id } }],
  ...extra,
});

test('unknown fields in substring, regex and always triggers are refused, as anywhere else in the file', async () => {
  const result = await validate('triggers.agui.json', {
    version: 2,
    name: 'x',
    scenarios: [
      {
        id: 's',
        name: 's',
        triggers: [
          { match: 'substring', value: 'x', caseSenstive: true },
          { match: 'regex', pattern: 'x', priorty: 5 },
          { match: 'always', priorty: -1 },
        ],
        steps: [],
      },
    ],
  });
  assert.equal(result.code, 1, result.stdout);
  assert.deepEqual(problems(result.stderr).sort(), [
    'scenarios.0.triggers.0: unknown field caseSenstive — did you mean caseSensitive?',
    'scenarios.0.triggers.1: unknown field priorty — did you mean priority?',
    'scenarios.0.triggers.2: unknown field priorty — did you mean priority?',
  ]);
});

test('a problem of the document itself is placed at (root), on its own line as on the first', async () => {
  const result = await validate('root.agui.json', { version: 2, name: 'x', foo: 1, routes: [route('a', { pth: 1 })] });
  assert.equal(result.code, 1, result.stdout);
  const lines = problems(result.stderr);
  assert.ok(
    lines.some((line) => /^\(root\): unknown field foo/.test(line)),
    lines.join('\n'),
  );
  assert.ok(!lines.some((line) => line.startsWith(': ')), lines.join('\n'));
});

test('a misspelt field in pack data is refused, not dropped at the next save', async () => {
  const result = await validate('pack.agui.json', {
    version: 2,
    name: 'x',
    packs: [
      { pack: 'agora-mock', data: { users: [], currentUserId: null, userAliases: {}, sessions: [], sesions: [] } },
    ],
  });
  assert.equal(result.code, 1, result.stdout);
  assert.deepEqual(problems(result.stderr), ['packs.0.data: unknown field sesions']);
});

test('duplicate ids are listed with the other shape problems, not in a later round', async () => {
  const result = await validate('duplicates.agui.json', {
    version: 2,
    name: 'x',
    // Wrong types (not only unknown fields): zod skips a refinement once anything inside has one of these.
    settings: { speed: 'fast', speeeed: 1 },
    routes: [
      route('a'),
      route('a', {
        responses: [
          { id: 'r', status: '200', body: { json: 1 } },
          { id: 'r', body: { json: 2 } },
        ],
        pth: '/x',
      }),
    ],
    collections: [
      { id: 'c', path: '/c' },
      { id: 'c', path: '/d', recrods: [] },
    ],
    sockets: [
      { id: 'w', path: '/w', behaviour: { type: 'echo' } },
      { id: 'w', path: '/v', behaviour: { type: 'echo' } },
      {
        id: 'x',
        path: '/x',
        behaviour: { type: 'rules', rules: [{ id: 'k' }, { id: 'k', match: { text: 5 } }] },
      },
    ],
    agents: [
      { id: 'g', path: '/g' },
      { id: 'g', path: '/h' },
    ],
    scenarios: [
      { id: 's', name: 's', triggers: [{ match: 'always', priorty: 1 }], steps: [] },
      { id: 's', name: 't', triggers: [], steps: [] },
    ],
  });
  assert.equal(result.code, 1, result.stdout);
  assert.deepEqual(problems(result.stderr).sort(), [
    "agents.1.id: duplicate agent id 'g'",
    "collections.1.id: duplicate collection id 'c'",
    'collections.1: unknown field recrods — did you mean records?',
    "routes.1.id: duplicate route id 'a'",
    'routes.1.responses.0.status: must be a whole number',
    "routes.1.responses.1.id: duplicate response id 'r'",
    'routes.1: unknown field pth',
    'scenarios.0.triggers.0: unknown field priorty — did you mean priority?',
    "scenarios.1.id: duplicate scenario id 's'",
    'settings.speed: must be a number',
    'settings: unknown field speeeed',
    "sockets.1.id: duplicate socket id 'w'",
    "sockets.2.behaviour.rules.1.id: duplicate rule id 'k'",
    'sockets.2.behaviour.rules.1.match.text: must be text (a string)',
  ]);
});

test('a misspelt AG-UI event type is said at event.type with the name meant; the list only when nothing is close', async () => {
  const emit = (type: string) => ({ type: 'emit', event: { type, messageId: 'm', delta: 'hi' } });
  const result = await validate('event-type.agui.json', {
    version: 2,
    name: 'x',
    scenarios: [{ id: 's', name: 's', triggers: [], steps: [emit('TEXT_MESSAGE_CONTNET'), emit('NOTHING_LIKE_IT')] }],
  });
  assert.equal(result.code, 1, result.stdout);
  const [close, far, ...rest] = problems(result.stderr);
  assert.equal(
    close,
    'scenarios.0.steps.0.event.type: unknown AG-UI event type "TEXT_MESSAGE_CONTNET": did you mean TEXT_MESSAGE_CONTENT?',
  );
  assert.match(
    far ?? '',
    /^scenarios\.0\.steps\.1\.event\.type: unknown AG-UI event type "NOTHING_LIKE_IT": expected one of TEXT_MESSAGE_START, .*RUN_STARTED/,
  );
  assert.deepEqual(rest, []);
});

test('validate warns about a response file or a static folder that is not there, relative to the workspace file', async () => {
  const sub = join(dir, 'files');
  await mkdir(join(sub, 'public'), { recursive: true });
  await writeFile(join(sub, 'there.json'), '{}');
  const file = join(sub, 'files.agui.json');
  await writeFile(
    file,
    JSON.stringify({
      version: 2,
      name: 'files',
      routes: [
        {
          id: 'a',
          path: '/a/:name',
          responses: [
            { id: 'missing', body: { file: 'missing.json' } },
            { id: 'there', body: { file: 'there.json' } },
            // A templated name names no one file: not looked at.
            { id: 'templated', body: { file: 'data/{{params.name}}.json' } },
          ],
        },
      ],
      staticFolders: [
        { id: 'public', path: '/public', folder: 'public' },
        { id: 'gone', path: '/gone', folder: 'nonexistent' },
        { id: 'file', path: '/file', folder: 'there.json' },
      ],
    }),
  );
  // Run from another folder: names are read from the workspace file's folder, as the engine reads them.
  const result = spawnSync(process.execPath, [join(process.cwd(), CLI), 'validate', file], {
    encoding: 'utf8',
    cwd: dir,
  });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /files\.agui\.json: valid workspace "files"/);
  assert.deepEqual(result.stderr.trim().split('\n'), [
    `agui-mock: ${file}: warning: routes.0.responses.0.body.file: missing.json does not exist (relative to ${sub})`,
    `agui-mock: ${file}: warning: staticFolders.1.folder: nonexistent does not exist (relative to ${sub})`,
    `agui-mock: ${file}: warning: staticFolders.2.folder: there.json is not a folder: it is a file (relative to ${sub})`,
  ]);
});

test('a version 0 file (the Python mock layout) with fields the model does not know still migrates, without them', async () => {
  const seed = agoraSeed(Date.parse('2025-01-01T00:00:00Z'));
  const [user, ...users] = seed.users;
  const [session, ...sessions] = seed.sessions;
  assert.ok(user && session);
  const result = await validate('old-layout.agui.json', {
    users: [{ ...user, avatar: 'a.png' }, ...users],
    currentUserId: seed.currentUserId,
    sessions: [{ ...session, pinned: true, metadata: { ...session.metadata, tags: [] } }, ...sessions],
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /\(version 0: migrated to version 2 when opened/);
});

test('a NUL in a TLS file name is said at its field, as for route files and static folders', async () => {
  const result = await validate('tls-nul.agui.json', {
    version: 2,
    name: 'x',
    settings: { tls: { cert: 'cert\0.pem', key: 'key.pem' } },
  });
  assert.equal(result.code, 1);
  // Before: a raw NUL on the terminal and Node's words about the `path` argument of a call.
  assert.deepEqual(problems(result.stderr), ['settings.tls.cert: a file name cannot contain a NUL character']);
});

test('what a file quotes is shown escaped: a key cannot forge a line of the log, nor a name drive the terminal', async () => {
  // A CI log (GitHub Actions) reads `::error …::` at the start of a line of the job's output as a command.
  const forged = 'x\n::error file=app.ts::all good\nvalid workspace';
  const refused = await validate('forged-lines.agui.json', { version: 2, name: 'x', settings: { [forged]: 1 } });
  assert.equal(refused.code, 1);
  assert.deepEqual(refused.stderr.split('\n'), [
    `agui-mock: ${join(dir, 'forged-lines.agui.json')}: settings: unknown field x\\n::error file=app.ts::all good\\nvalid workspace`,
    '',
  ]);

  const warned = await validate('escape-warning.agui.json', {
    version: 2,
    name: 'x',
    routes: [route('r', { responses: [{ id: 'r', body: { file: 'gone\u001b[2J\u009b.json' } }] })],
  });
  assert.equal(warned.code, 0, warned.stderr);
  assert.match(
    warned.stderr,
    /warning: routes\.0\.responses\.0\.body\.file: gone\\u001b\[2J\\u009b\.json does not exist/,
  );
  assert.doesNotMatch(warned.stderr, /\p{Cc}(?!$)/mu, 'no control character but the line breaks');
});
