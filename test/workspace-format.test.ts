import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { silentLogger, startMockServer, WorkspaceError } from '../src/server/index';
import { agoraScenarioPack } from '../src/server/packs/agora/scenarios/agora-scenario-pack';
import { agoraSeed } from '../src/server/packs/agora/store/agora-seed';
import { jsonPieces } from '../src/server/workspace/json-pieces';
import { decodeWorkspaceText, encodeWorkspace } from '../src/server/workspace/workspace-codec';
import { workspaceJsonSchema } from '../src/server/workspace/workspace-json-schema';
import { workspaceTemplate } from '../src/server/workspace/workspace-templates';
import { DEFAULT_SETTINGS } from '../src/shared/settings';
import { WORKSPACE_TEMPLATES, WorkspaceSchema } from '../src/shared/workspace';
import { agoraData, agoraStore } from './helpers/agora';
import { AguiSocket, assertValidStream } from './helpers/agui-socket';
import { recordRuns } from './helpers/large-world';
import { readJson, startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// The workspace format: its JSON Schema, a full round trip, templates, migration and every kind of bad file.

const dir = await workspaceDir();

test('resources/workspace.schema.json is what the zod schema generates (npm run schema)', async () => {
  const committed: unknown = JSON.parse(await readFile('resources/workspace.schema.json', 'utf8'));
  const generated = workspaceJsonSchema();
  assert.deepEqual(committed, generated, 'stale: run npm run schema');
  const properties = generated.properties as Record<string, Record<string, unknown>>;
  assert.equal(properties.version?.const, 2);
  for (const section of [
    'settings',
    'packs',
    'routes',
    'collections',
    'staticFolders',
    'sockets',
    'agents',
    'scenarios',
  ])
    assert.ok(properties[section], `${section} is described`);
});

test('every field of the JSON Schema has a description, so editors can show what it is for', () => {
  const missing: string[] = [];
  // Walks properties (and what they nest: items, unions, records) down to the leaves.
  const visit = (node: unknown, path: string, named: boolean) => {
    if (node === null || typeof node !== 'object') return;
    const schema = node as Record<string, unknown>;
    if (named && typeof schema.description !== 'string' && typeof schema.$ref !== 'string') missing.push(path);
    for (const [key, child] of Object.entries((schema.properties as Record<string, unknown>) ?? {}))
      visit(child, `${path}.${key}`, true);
    for (const keyword of ['items', 'additionalProperties'] as const) visit(schema[keyword], `${path}[]`, false);
    for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const)
      for (const [index, child] of ((schema[keyword] as unknown[]) ?? []).entries())
        visit(child, `${path}|${index}`, false);
    for (const [key, child] of Object.entries((schema.$defs as Record<string, unknown>) ?? {}))
      visit(child, `#${key}`, false);
  };
  visit(workspaceJsonSchema(), '', false);
  assert.deepEqual(missing, [], 'fields without a description');
});

test('round trip: every field survives save and load, unknown preference fields and the current user too', async () => {
  const file = join(dir, 'round-trip.agui.json');
  const first = await startWorkspaceEngine(dir, file);
  const { scenarios } = first.context;
  const store = agoraStore(first);
  const user = store.createUser({ email: 'eva@example.com', name: 'Eva', preferences: { email_reports: 'weekly' } });
  store.updatePreferences(user.id, { interaction_mode: 'listen', theme: 'dark' });
  store.setCurrentUser(user.id);
  store.createSession({
    sessionId: 'session-eva',
    userId: user.id,
    title: 'Eva’s session',
    history: [
      { role: 'user', content: 'hallo' },
      { role: 'tool_call', tool_call_id: 'c1', tool_name: 'lookup', content: '{"q":1}', agent_id: 'general-agent' },
      { role: 'tool', tool_call_id: 'c1', tool_name: 'lookup', content: '{"ok":true}' },
      { role: 'assistant', content: 'klaar', agent_id: 'general-agent', spoken_text: 'klaar' },
    ],
  });
  scenarios.put({
    id: 'custom-echo',
    name: 'Echo',
    description: 'says it back',
    triggers: [{ match: 'regex', pattern: '^echo', priority: 5 }],
    steps: [{ type: 'text', chunks: ['{{lastUserMessage}}'], spoken: false, chunkDelayMs: 0 }],
  });
  first.updateSettings({ approvalTimeoutMs: 1234, frameBufferSize: 500 });
  const saved = first.workspace.document();
  await first.workspace.save();
  await first.close();

  const second = await startWorkspaceEngine(dir, file);
  assert.deepEqual(second.workspace.document(), saved, 'the world after loading is the world that was saved');
  assert.equal(agoraStore(second).currentUser()?.email, 'eva@example.com');
  const preferences = agoraStore(second).getPreferences(user.id);
  assert.equal(preferences?.email_reports, 'weekly');
  assert.equal(preferences?.interaction_mode, 'listen');
  assert.equal(agoraStore(second).getHistory('session-eva', { includeTools: true })?.length, 4);
  assert.equal(second.context.scenarios.get('custom-echo')?.triggers[0]?.match, 'regex');
  assert.equal(second.settings().approvalTimeoutMs, 1234);
  assert.equal(second.settings().speed, 0, 'launch settings still override');
  const { settings } = (await readJson(file)) as { settings: { speed: number } };
  assert.equal(settings.speed, 1, 'and are not written into the file');
  // Text → document → text is stable, so a committed file does not churn.
  const text = await readFile(file, 'utf8');
  assert.equal(encodeWorkspace(decodeWorkspaceText(text, file).workspace), text);
});

test("a launch setting changed while running is the file's from then on, changed back to the launch's value too", async () => {
  const file = join(dir, 'launch-speed.agui.json');
  await writeFile(
    file,
    JSON.stringify({ version: 2, name: 'launch speed', settings: { speed: 1, frameBufferSize: 500 } }),
  );
  const server = await startWorkspaceEngine(dir, file, { settings: { speed: 0, frameBufferSize: 100 } });
  const savedSettings = async () =>
    ((await readJson(file)) as { settings: { speed: number; frameBufferSize: number } }).settings;
  try {
    server.updateSettings({ speed: 3 });
    await server.workspace.save();
    assert.equal((await savedSettings()).speed, 3);
    server.updateSettings({ speed: 0 });
    await server.workspace.save();
    const saved = await savedSettings();
    assert.equal(saved.speed, 0, "set back to the launch value by hand: saved, not the file's old value");
    assert.equal(saved.frameBufferSize, 500, 'a launch setting nobody changed stays out of the file');
  } finally {
    await server.close();
  }
});

test('a save writes exactly what one JSON.stringify of the validated document wrote: the format is unchanged', async () => {
  const file = join(dir, 'same-bytes.agui.json');
  const server = await startWorkspaceEngine(dir, file, { settings: { speed: 0, heartbeatIntervalMs: 5000 } });
  const { scenarios } = server.context;
  const store = agoraStore(server);
  const user = store.createUser({
    email: 'zoe@example.com',
    name: 'Zoë "Z" \\ \u2028',
    preferences: { extra: [1, { a: [] }] },
  });
  store.updatePreferences(user.id, { theme: 'dark', nested: { deep: { deeper: ['x', null, 1.5e300] } } });
  store.createSession({ sessionId: 'empty', userId: user.id, title: '  leeg  ' });
  store.createSession({
    sessionId: 's\ud83d\ude00',
    userId: 'koen',
    title: 't',
    history: [{ role: 'user', content: '\n\t\u0000\ud800' }],
  });
  store.replaceHistory('session-koen-bella-rosa', [{ role: 'assistant', content: 'opnieuw', spoken_text: '' }]);
  store.updateSession('empty', { title: 'niet meer leeg' });
  recordRuns(store, 0.2);
  store.deleteUser('550e8400-e29b-41d4-a716-446655440003');
  scenarios.put({
    id: 'custom-echo',
    name: 'Echo',
    triggers: [{ match: 'regex', pattern: '^echo', priority: 5 }],
    steps: [{ type: 'text', chunks: ['{{lastUserMessage}}', ''] }],
  });
  server.updateSettings({ approvalTimeoutMs: 1234, heartbeatIntervalMs: 7000 });
  const document = server.workspace.document();
  await server.workspace.save();

  const { $schema, version, name, settings, packs, routes, collections, staticFolders, sockets, agents, ...rest } =
    WorkspaceSchema.parse(structuredClone(document));
  const before = JSON.stringify(
    {
      ...($schema !== undefined && { $schema }),
      version,
      name,
      settings,
      packs,
      routes,
      collections,
      staticFolders,
      sockets,
      agents,
      scenarios: rest.scenarios,
      payloads: rest.payloads,
    },
    null,
    2,
  );
  assert.equal(await readFile(file, 'utf8'), `${before}\n`);
});

test('written in pieces, any JSON value comes out as JSON.stringify(value, null, 2) writes it', () => {
  class Stamp {
    toJSON() {
      return { stamped: ['a', 'b'] };
    }
  }
  const values: unknown[] = [
    null,
    'text',
    -0,
    Number.NaN,
    [],
    {},
    [[], {}, [[]], [{}]],
    { a: undefined, b: () => 1, c: Symbol('s'), d: [undefined, () => 1, Symbol('s')], e: new Date(0) },
    { only: undefined },
    { stamp: new Stamp(), list: [new Stamp(), { deeper: [new Stamp()] }] },
    { '"quoted" key\n': { 'ü\u2028': [1, [2, [3, [4, [5, [6]]]]]] } },
    agoraSeed(Date.UTC(2025, 0, 1)),
  ];
  for (const value of values) {
    for (let levels = 0; levels <= 7; levels++) {
      assert.equal([...jsonPieces(value, levels)].join(''), JSON.stringify(value, null, 2), `${levels} levels`);
    }
  }
  assert.deepEqual([...jsonPieces(undefined, 3)], [], 'nothing for what JSON cannot hold');
});

test('templates: every template is valid, and every generic scenario plays a valid stream', async () => {
  for (const template of WORKSPACE_TEMPLATES) {
    const workspace = WorkspaceSchema.parse(workspaceTemplate(template, Date.now()));
    assert.doesNotThrow(() => decodeWorkspaceText(encodeWorkspace(workspace), `${template}.json`));
  }
  const file = join(dir, 'generic.agui.json');
  await writeFile(file, encodeWorkspace(WorkspaceSchema.parse(workspaceTemplate('generic', Date.now()))));
  const server = await startWorkspaceEngine(dir, file);
  const client = await AguiSocket.open(server.wsUrl);
  const asks = ['what is the weather?', 'make a plan', 'hi there'];
  for (const [index, message] of asks.entries()) {
    client.ask(message);
    await client.waitForRuns(index + 1);
  }
  client.ask('please deploy');
  const request = await client.waitForCustom('agora:tool_approval_request');
  client.approve(request.value.approvalId, true);
  await client.waitForRuns(4);
  await assertValidStream(client.events);
  const types = new Set<string>(client.events.map((event) => event.type));
  for (const type of ['TOOL_CALL_START', 'TOOL_CALL_RESULT', 'STATE_SNAPSHOT', 'STATE_DELTA', 'TEXT_MESSAGE_CONTENT'])
    assert.ok(types.has(type), `generic template sends ${type}`);
  await client.close();
});

async function refusedStart(name: string, content: string): Promise<WorkspaceError> {
  const file = join(dir, name);
  await writeFile(file, content);
  let refused: unknown;
  await startMockServer({
    port: 0,
    logger: silentLogger,
    workspace: file,
    workspaceOptions: { configDir: dir },
  }).then(
    (server) => server.close(),
    (error: unknown) => {
      refused = error;
    },
  );
  assert.ok(refused instanceof WorkspaceError, `the engine refuses to start on ${name}`);
  assert.equal(await readFile(file, 'utf8'), content, `${name} is left exactly as it was`);
  assert.equal(refused.file, file);
  return refused;
}

test('AGORA data the schema takes but that does not hold together: refused, located at the pack, the file untouched', async () => {
  const workspace = WorkspaceSchema.parse(workspaceTemplate('agora', Date.now()));
  const cases: [string, (data: ReturnType<typeof agoraData>) => void, RegExp][] = [
    [
      'email',
      (data) => {
        (data.users[1] as { email: string }).email = (data.users[0]?.email ?? '').toUpperCase();
      },
      /Email already exists/i,
    ],
    ['user', (data) => data.users.push(structuredClone(data.users[0]) as never), /user .* appears twice/],
    ['current', (data) => Object.assign(data, { currentUserId: 'nobody' }), /currentUserId nobody is not one of/],
    ['session', (data) => data.sessions.push(structuredClone(data.sessions[0]) as never), /session .* appears twice/],
    [
      'recorded',
      (data) => Object.assign(data.sessions[0] ?? {}, { recordedMessages: 10_000 }),
      /recordedMessages \(10000\) is more than its \d+ messages/,
    ],
  ];
  for (const [name, spoil, problem] of cases) {
    const spoilt = structuredClone(workspace);
    spoil(agoraData(spoilt));
    const error = await refusedStart(`${name}.agui.json`, JSON.stringify(spoilt));
    assert.equal(error.path, 'packs.0.data', name);
    assert.match(error.problem, problem, name);
  }
});

test('invalid JSON: refused with line and column, the file untouched', async () => {
  const error = await refusedStart('syntax.agui.json', '{\n  "version": 2,\n  "name": "x"\n  "settings": {}\n}\n');
  assert.equal(error.line, 4);
  assert.equal(error.column, 3);
  assert.match(error.message, /syntax\.agui\.json:4:3: invalid JSON: unexpected "\\"", expected ',' or '}'/);
});

test('a truncated file: refused, saying it looks truncated, at the end of the text', async () => {
  const full = encodeWorkspace(WorkspaceSchema.parse(workspaceTemplate('agora', Date.now())));
  const truncated = full.slice(0, Math.floor(full.length / 2));
  const error = await refusedStart('truncated.agui.json', truncated);
  assert.match(error.problem, /truncated/);
  assert.equal(error.line, truncated.split('\n').length);
});

test('an empty file and a non-object are refused', async () => {
  assert.match((await refusedStart('empty.agui.json', '')).problem, /empty/);
  assert.match((await refusedStart('array.agui.json', '[]')).problem, /JSON object/);
});

test('schema violations: refused with the field path and the problem', async () => {
  const workspace = WorkspaceSchema.parse(workspaceTemplate('agora', Date.now()));
  const badEmail = structuredClone(workspace);
  (agoraData(badEmail).users[1] as { email: string }).email = 'not-an-email';
  const error = await refusedStart('email.agui.json', JSON.stringify(badEmail));
  assert.equal(error.path, 'packs.0.data.users.1.email');
  assert.match(error.message, /email\.agui\.json: packs\.0\.data\.users\.1\.email: .*email/i);

  const badStep = structuredClone(workspace) as unknown as { scenarios: { steps: unknown[] }[] };
  badStep.scenarios[2]?.steps.push({ type: 'emit', event: { type: 'TEXT_MESSAGE_CONTENT' } });
  const stepError = await refusedStart('step.agui.json', JSON.stringify(badStep));
  assert.match(stepError.path ?? '', /^scenarios\.2\.steps\.\d+$/);
  assert.match(stepError.problem, /not a valid AG-UI event/);

  // A name is printed in terminals: a line break or an escape in it would forge output.
  const forged = { ...workspace, name: 'ok"\r\nagui-mock: valid workspace\u001b[2K' };
  const forgedError = await refusedStart('forged.agui.json', JSON.stringify(forged));
  assert.equal(forgedError.path, 'name');
  assert.match(forgedError.problem, /one line of text, without control characters/);

  const unknownField = { ...workspace, colour: 'blue' };
  assert.match((await refusedStart('extra.agui.json', JSON.stringify(unknownField))).problem, /unknown field colour/);
  // A misspelt setting is named, not dropped (the engine would run at the default speed without a word).
  const misspelt = { ...workspace, settings: { ...workspace.settings, speeed: 0 } };
  const misspeltError = await refusedStart('misspelt.agui.json', JSON.stringify(misspelt));
  assert.equal(misspeltError.path, 'settings');
  assert.match(misspeltError.problem, /unknown field speeed/);

  const duplicate = structuredClone(workspace);
  duplicate.scenarios.push(structuredClone(duplicate.scenarios[0] as (typeof duplicate.scenarios)[number]));
  const duplicateError = await refusedStart('duplicate.agui.json', JSON.stringify(duplicate));
  assert.equal(duplicateError.path, `scenarios.${workspace.scenarios.length}.id`);

  const ghost = structuredClone(workspace);
  agoraData(ghost).currentUserId = 'nobody';
  assert.match((await refusedStart('ghost.agui.json', JSON.stringify(ghost))).problem, /currentUserId nobody/);
});

test('the smallest workspace is a version and a name: every section and setting takes its default', async () => {
  const { workspace } = decodeWorkspaceText('{"version": 2, "name": "tiny"}', 'tiny.agui.json');
  assert.deepEqual(workspace.settings, DEFAULT_SETTINGS);
  assert.deepEqual([workspace.routes, workspace.packs, workspace.scenarios], [[], [], []]);
  const file = join(dir, 'tiny.agui.json');
  await writeFile(file, '{"version": 2, "name": "tiny"}');
  const server = await startWorkspaceEngine(dir, file);
  assert.equal((await fetch(`${server.url}/health`)).status, 404, 'an empty world answers nothing but 404s');
});

test('an unknown future version is refused with a clear message', async () => {
  const workspace = { ...WorkspaceSchema.parse(workspaceTemplate('agora', Date.now())), version: 7 };
  const error = await refusedStart('future.agui.json', JSON.stringify(workspace));
  assert.equal(error.path, 'version');
  assert.match(error.problem, /version 7, written by a newer agui-mock; this one reads versions up to 2/);
});

test('a version that is no version says which versions there are, and shows what the file holds', () => {
  for (const [version, got] of [
    ['-1', '-1'],
    ['2.5', '2.5'],
    ['"2"', '"2"'],
  ]) {
    assert.throws(
      () => decodeWorkspaceText(`{"version": ${version}, "name": "x"}`, 'v.agui.json'),
      (error: unknown) =>
        error instanceof WorkspaceError &&
        error.path === 'version' &&
        error.problem === `version must be a whole number from 0 to 2 (got ${got})`,
      version,
    );
  }
});

test('a number too large for JSON is refused at its place, not as "must be a number" nor saved back as null', () => {
  for (const [text, path] of [
    ['{"version": 2, "name": "x", "settings": {"speed": 1e400}}', 'settings.speed'],
    ['{"version": 1e400, "name": "x"}', 'version'],
    [
      '{"version": 2, "name": "x", "routes": [{"id": "a", "path": "/a", "responses": [{"id": "r", "body": {"json": {"n": [-1e999]}}}]}]}',
      'routes.0.responses.0.body.json.n.0',
    ],
  ] as const) {
    assert.throws(
      () => decodeWorkspaceText(text, 'n.agui.json'),
      (error: unknown) =>
        error instanceof WorkspaceError &&
        error.path === path &&
        error.problem ===
          'a number too large for JSON (it reads as Infinity): numbers in a workspace are at most about ±1.8e308',
      text,
    );
  }
});

test('version 0 (the Python mock layout) is migrated, the original kept as .bak', async () => {
  const seed = agoraSeed(Date.parse('2025-01-01T00:00:00Z'));
  const v0 = { name: 'Old mock', users: seed.users, currentUserId: seed.currentUserId, sessions: seed.sessions };
  const text = JSON.stringify(v0, null, 2);
  const file = join(dir, 'old.agui.json');
  await writeFile(file, text);
  const said: string[] = [];
  const logger = { ...silentLogger, info: (message: string) => said.push(message) };
  const server = await startWorkspaceEngine(dir, file, { logger });
  assert.equal(await readFile(`${file}.bak`, 'utf8'), text, 'the original is kept byte for byte');
  assert.ok(
    said.includes(`workspace: opened ${file}, migrated from version 0; the original is ${file}.bak`),
    said.join('\n'),
  );
  const migrated = await readJson(file);
  assert.equal(migrated.version, 2);
  assert.equal(migrated.name, 'Old mock');
  assert.equal((migrated.scenarios as unknown[]).length, 4, 'the built-in flows became the AGORA scenario pack');
  assert.equal(agoraStore(server).currentUser()?.name, 'Koen van den Berg');
  assert.equal(agoraStore(server).listAllSessions().length, 4);
  assert.equal(server.workspace.status().dirty, false);
  await server.close();

  // Opening it again neither migrates nor touches the backup.
  const before = (await stat(`${file}.bak`)).mtimeMs;
  const again = await startWorkspaceEngine(dir, file);
  assert.equal(agoraStore(again).listAllSessions().length, 4);
  assert.equal((await stat(`${file}.bak`)).mtimeMs, before);
});

test('a version 0 file that is itself invalid is refused, naming the field', async () => {
  const error = await refusedStart('old-bad.agui.json', JSON.stringify({ users: [{ id: 'x' }] }));
  assert.match(error.path ?? '', /^users\.0\./);
  assert.match(error.problem, /version 0 schema/);
});

test('version 1 (one agora-mock profile) becomes version 2: the data a pack, the binding an agent; nothing lost', async () => {
  const seed = agoraSeed(Date.parse('2025-01-01T00:00:00Z'));
  const scenarios = structuredClone([...agoraScenarioPack]);
  const v1 = {
    version: 1,
    name: 'HAI mock',
    profile: 'agora-mock',
    // Version 1 dropped settings it did not know: one it retired (or a misspelt one) still goes, quietly.
    settings: { ...DEFAULT_SETTINGS, speed: 0, agentPath: '/my-agent', retiredSetting: true, toString: 'also unknown' },
    agora: seed,
    scenarios,
  };
  const text = `${JSON.stringify(v1, null, 2)}\n`;
  const file = join(dir, 'v1.agui.json');
  await writeFile(file, text);
  const server = await startWorkspaceEngine(dir, file);
  assert.equal(await readFile(`${file}.bak`, 'utf8'), text, 'the original is kept byte for byte');
  const migrated = WorkspaceSchema.parse(await readJson(file));
  assert.equal(migrated.version, 2);
  assert.equal(migrated.name, 'HAI mock');
  assert.deepEqual(migrated.packs, [{ pack: 'agora-mock', enabled: true, data: seed }]);
  assert.deepEqual(
    migrated.agents.map(({ id, path, scenarios: selection }) => ({ id, path, selection })),
    [{ id: 'agent', path: '/my-agent', selection: '*' }],
  );
  assert.deepEqual(migrated.settings, { ...DEFAULT_SETTINGS, speed: 0 });
  assert.deepEqual(migrated.scenarios, WorkspaceSchema.parse({ ...migrated, scenarios }).scenarios);
  assert.equal(agoraStore(server).listAllSessions().length, 4);

  // What it served before, it serves now: REST, /ws, and the binding at its old path.
  assert.equal((await fetch(`${server.url}/users/me`)).status, 200);
  const client = await AguiSocket.open(`${server.url.replace('http', 'ws')}/ws`);
  client.ask('Hallo');
  await client.waitForRuns(1);
  await client.close();
  const agent = await fetch(`${server.url}/my-agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ threadId: 't', runId: 'r', messages: [{ id: 'm', role: 'user', content: 'Hallo' }] }),
  });
  assert.equal(agent.status, 200);
  assert.match(await agent.text(), /RUN_FINISHED/);
  await server.close();

  // Saved again it stays version 2, and loads as it was (with the two runs above recorded as sessions).
  const reloaded = await startWorkspaceEngine(dir, file);
  assert.equal(agoraStore(reloaded).listAllSessions().length, 6);
  assert.equal((await readJson(file)).version, 2);
});
