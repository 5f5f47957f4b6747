import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { WorkspaceError } from '../src/server/workspace/workspace-error';
import { readWorkspaceFile } from '../src/server/workspace/workspace-file';
import { CONTROL_API_PREFIX, type FeedItem } from '../src/shared/control-api';
import type { RecentWorkspace, Workspace, WorkspaceProblem, WorkspaceStatus } from '../src/shared/workspace';
import { agoraData, agoraStore } from './helpers/agora';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { FeedClient } from './helpers/feed-client';
import { handMadeTooLargeHistory, wideRouteJson } from './helpers/large-world';
import { readJson, startRefusingWorkspaceEngine, startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// The console's workspace endpoints: status, save / save as / open / new, export, import, recent, live feed.

const dir = await workspaceDir();

test('without a file the world lives in memory: save needs save as, which attaches the file', async () => {
  const server = await startTestEngine({
    recentWorkspaces: true,
    workspaceOptions: { configDir: dir, autosaveDelayMs: 50 },
  });
  const api = controlClient(server);
  const status = await api.get<WorkspaceStatus>('/workspace');
  assert.equal(status.status, 200);
  assert.equal(status.body.path, null);
  assert.equal(status.body.name, 'Untitled');
  assert.equal(status.body.autosave, false);
  const save = await api.post<{ detail: WorkspaceProblem }>('/workspace/save');
  assert.equal(save.status, 409);
  assert.match(save.body.detail.problem, /save as/);

  const file = join(dir, 'memory.agui.json');
  const savedAs = await api.post<WorkspaceStatus>('/workspace/save-as', { path: file });
  assert.equal(savedAs.status, 200);
  assert.equal(savedAs.body.path, file);
  assert.equal(savedAs.body.dirty, false);
  assert.equal(savedAs.body.autosave, true);
  assert.equal(savedAs.body.name, 'memory', 'a world without a name of its own takes the file name');
  assert.equal((await readJson(file)).name, 'memory', 'in the file too');
  assert.equal(agoraData((await readJson(file)) as Workspace).users.length, 3);
  const recent = await api.get<{ items: RecentWorkspace[] }>('/workspace/recent');
  assert.equal(recent.body.items[0]?.path, file);
  assert.equal((await api.post('/workspace/save-as', {})).status, 422);
  const copy = join(dir, 'copy.agui.json');
  const copied = await api.post<WorkspaceStatus>('/workspace/save-as', { path: copy });
  assert.equal(copied.body.name, 'memory', 'once named, the world keeps its name under another file');
});

test('new from a template, open another file (a bad one is refused with its place), recent list', async () => {
  const first = join(dir, 'first.agui.json');
  const server = await startWorkspaceEngine(dir, first);
  const api = controlClient(server);
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.length > 0);

  const generic = join(dir, 'generic.agui.json');
  const created = await api.post<WorkspaceStatus>('/workspace/new', { template: 'generic', path: generic });
  assert.equal(created.status, 201);
  assert.equal(created.body.path, generic);
  assert.equal(created.body.name, 'generic');
  assert.ok(server.context.scenarios.get('demo-tool-call'), 'the generic scenarios are loaded');
  assert.equal((await api.post('/workspace/new', { template: 'agora', path: generic })).status, 409);
  assert.equal((await api.post('/workspace/new', { template: 'other' })).status, 422);
  await feed.waitFor(() =>
    feed.items.some((item) => item.type === 'workspace-changed' && item.status.path === generic),
  );

  const broken = join(dir, 'broken.agui.json');
  await writeFile(broken, '{\n  "version": 1,\n  oops\n}');
  const refused = await api.post<{ detail: WorkspaceProblem }>('/workspace/open', { path: broken });
  assert.equal(refused.status, 422);
  assert.deepEqual([refused.body.detail.line, refused.body.detail.column], [3, 3]);
  assert.equal(refused.body.detail.file, broken);
  assert.equal((await api.get<WorkspaceStatus>('/workspace')).body.path, generic, 'the current workspace stays');
  assert.equal((await api.post('/workspace/open', { path: join(dir, 'nope.json') })).status, 404);
  // A file with several schema problems: the first in the message, every other one listed beside it.
  const several = join(dir, 'several.agui.json');
  await writeFile(
    several,
    JSON.stringify({
      ...JSON.parse(await readFile(generic, 'utf8')),
      routes: [{ id: 'Bad Id', method: 'GET', path: 'x', responses: [] }],
    }),
  );
  const many = await api.post<{ detail: WorkspaceProblem }>('/workspace/open', { path: several });
  assert.equal(many.status, 422);
  assert.match(many.body.detail.message, /\(and 2 more problems\)$/);
  assert.deepEqual(
    [many.body.detail.path, ...(many.body.detail.otherProblems ?? []).map((other) => other.path)].sort(),
    ['routes.0.id', 'routes.0.path', 'routes.0.responses'],
  );
  assert.ok(many.body.detail.otherProblems?.some((other) => other.problem === 'a route needs at least one response'));

  const opened = await api.post<WorkspaceStatus>('/workspace/open', { path: first });
  assert.equal(opened.status, 200);
  assert.equal(opened.body.path, first);
  assert.ok(server.context.scenarios.get('agora-inspection-start'));
  assert.deepEqual(
    opened.body.recent.slice(0, 2).map((item) => item.path),
    [first, generic],
    'newest first, each once',
  );

  // An in-memory new world: no file until saved as.
  const memory = await api.post<WorkspaceStatus>('/workspace/new', { template: 'generic', name: 'Scratch' });
  assert.equal(memory.body.path, null);
  assert.equal(memory.body.name, 'Scratch');
  assert.equal(memory.body.dirty, true);
  feed.socket.close();
});

test('export downloads the document; import validates it and replaces the world', async () => {
  const file = join(dir, 'exchange.agui.json');
  const server = await startWorkspaceEngine(dir, file);
  const api = controlClient(server);
  const exported = await api.get<Workspace>('/workspace/export');
  assert.equal(exported.status, 200);
  assert.match(exported.headers.get('content-disposition') ?? '', /^attachment; filename="exchange\.agui\.json"$/);
  assert.equal(exported.body.version, 2);
  assert.equal(exported.body.scenarios.length, 4);

  const changed = structuredClone(exported.body);
  changed.name = 'Imported';
  agoraData(changed).users = agoraData(changed).users.slice(0, 1);
  agoraData(changed).currentUserId = agoraData(changed).users[0]?.id ?? null;
  agoraData(changed).sessions = [];
  changed.scenarios = changed.scenarios.slice(0, 1);
  const imported = await api.post<WorkspaceStatus>('/workspace/import', changed);
  assert.equal(imported.status, 200);
  assert.equal(imported.body.name, 'Imported');
  assert.equal(imported.body.dirty, true, 'an import is a change, autosaved to the attached file');
  assert.equal(agoraStore(server).listUsers({ limit: 10, offset: 0 }).totalCount, 1);
  assert.equal(server.context.scenarios.list().length, 1);

  const invalid = structuredClone(changed);
  (agoraData(invalid).users[0] as { email: string }).email = 'nope';
  const refused = await api.post<{ detail: WorkspaceProblem }>('/workspace/import', invalid);
  assert.equal(refused.status, 422);
  assert.equal(refused.body.detail.path, 'packs.0.data.users.0.email');
  assert.equal(
    agoraStore(server).listUsers({ limit: 10, offset: 0 }).users[0]?.email,
    agoraData(changed).users[0]?.email,
  );
  assert.equal((await api.post('/workspace/import')).status, 422);
  assert.equal((await api.post('/workspace/import', { version: 9 })).status, 422);
  for (const body of [null, 7, 'text', { settings: null }, { settings: 'tls' }])
    assert.equal((await api.post('/workspace/import', body)).status, 422, JSON.stringify(body));
  // TLS files that are not there would be saved into the attached file and stop its next start, as a PATCH would.
  const missingTls = { ...structuredClone(changed), settings: { tls: { cert: 'gone.pem', key: 'gone-key.pem' } } };
  const tlsRefused = await api.post<{ detail: { loc: unknown[]; msg: string }[] }>('/workspace/import', missingTls);
  assert.equal(tlsRefused.status, 422);
  assert.deepEqual(tlsRefused.body.detail[0]?.loc, ['body', 'settings', 'tls']);
  assert.match(tlsRefused.body.detail[0]?.msg ?? '', /cannot read the TLS certificate .*gone\.pem: no such file/);
  assert.equal(server.settings().tls, 'off');
  // Malformed JSON is placed as in a file: line and column, and what was expected there.
  const malformed = await fetch(`${server.url}/__console/api/workspace/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: '{\n  "version": 2,\n  "name": "x",\n  oops\n}',
  });
  assert.equal(malformed.status, 422);
  const syntax = ((await malformed.json()) as { detail: WorkspaceProblem }).detail;
  assert.deepEqual([syntax.file, syntax.line, syntax.column], ['import', 4, 3]);
  assert.equal(syntax.message, 'import:4:3: invalid JSON: unexpected "o", expected a property name in double quotes');
  assert.equal(agoraStore(server).listUsers({ limit: 10, offset: 0 }).totalCount, 1, 'the world is as it was');
  // Bytes that are not UTF-8, and white space alone, are refused in a file's words, as `validate` says them, naming
  // `import`: the console shows them under the uploaded file's name. Before, a 400 worded for an API client
  // ("Request body is not valid UTF-8 …", "Send a workspace document as the JSON body").
  const importing = (body: Buffer | string) =>
    fetch(`${server.url}/__console/api/workspace/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body,
    });
  const latin1 = Buffer.concat([Buffer.from('{"version": 2, "name": "Caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
  for (const [body, message] of [
    [
      latin1,
      'import: the file is not valid UTF-8: an invalid byte sequence at byte offset 27 (0xE9); save it as UTF-8',
    ],
    [' \n\t\n', 'import: the file holds no workspace, only white space'],
    [Buffer.from([0xef, 0xbb, 0xbf]), 'import: the file is empty'],
  ] as const) {
    const answer = await importing(body);
    assert.equal(answer.status, 422);
    const { detail } = (await answer.json()) as { detail: WorkspaceProblem };
    assert.deepEqual([detail.file, detail.message], ['import', message]);
  }
  const withBom = await importing(`\uFEFF${JSON.stringify({ ...changed, name: 'With BOM' })}`);
  assert.equal(withBom.status, 200, 'a byte order mark before the document is dropped, as before a file');
  assert.equal(((await withBom.json()) as WorkspaceStatus).name, 'With BOM');
  // A document's nesting limit is the import's own, not the maxJsonDepth setting: the refusal names which.
  let deep: unknown = 1;
  for (let level = 0; level < 1_100; level++) deep = [deep];
  const tooDeep = await api.post<{ detail: string }>('/workspace/import', { version: 2, deep });
  assert.equal(tooDeep.status, 400);
  assert.match(
    tooDeep.body.detail,
    /^Request body rejected: JSON nested deeper than the limit of \d+ levels \(the limit of a workspace document\)$/,
  );
});

test('an export is downloaded under its name as written (RFC 6266), with an ASCII name for clients that need one', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const named = async (name: string) => {
    assert.equal((await api.post('/workspace/new', { template: 'blank', name })).status, 201);
    const exported = await api.get<Workspace>('/workspace/export');
    assert.equal(exported.status, 200);
    return exported.headers.get('content-disposition');
  };
  assert.equal(
    await named('Prüfung ✓ "v2"'),
    `attachment; filename="Prufung - -v2.agui.json"; filename*=UTF-8''Pr%C3%BCfung%20%E2%9C%93%20-v2.agui.json`,
  );
  // A quote or a backslash cannot end the quoted name early, nor a separator name a folder.
  assert.equal(await named('a\\"b/c'), 'attachment; filename="a-b-c.agui.json"');
  assert.equal(await named('shop'), 'attachment; filename="shop.agui.json"');
  assert.equal(
    await named('日本語'),
    `attachment; filename="workspace.agui.json"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.agui.json`,
  );
});

test("an import names files as the attached workspace's folder holds them: the engine takes back what it exports", async () => {
  const folder = join(dir, 'served');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'data.json'), '{"a":1}');
  const server = await startWorkspaceEngine(folder, join(folder, 'served.agui.json'));
  const api = controlClient(server);
  // Out of the folder and back in: inside it, so taken, served and exported as written.
  const file = `../${basename(folder)}/data.json`;
  const routes = [{ id: 'data', path: '/data', responses: [{ id: 'ok', body: { file } }] }];
  assert.equal((await api.put('/routes', { items: routes })).status, 200);
  assert.deepEqual(await (await fetch(`${server.url}/data`)).json(), { a: 1 });
  const exported = await api.get<Workspace>('/workspace/export');
  assert.deepEqual(exported.body.routes[0]?.responses[0]?.body, { file });
  const imported = await api.post<WorkspaceStatus>('/workspace/import', exported.body);
  assert.equal(imported.status, 200, JSON.stringify(imported.body));
  assert.deepEqual(await (await fetch(`${server.url}/data`)).json(), { a: 1 });
  // Checked against that folder, not the engine's working folder: a name leaving it is refused, and says so.
  const leaving = structuredClone(exported.body);
  leaving.routes = [{ ...routes[0], responses: [{ id: 'ok', body: { file: '../data.json' } }] }] as Workspace['routes'];
  const refused = await api.post<{ detail: WorkspaceProblem }>('/workspace/import', leaving);
  assert.equal(refused.status, 422);
  assert.equal(refused.body.detail.path, 'routes.0.responses.0.body.file');
  assert.match(refused.body.detail.problem, /outside the workspace folder/);
});

test('an import the engine refuses only when it serves it (a response naming the attached file) is a 422 saying why, never a 500', async () => {
  const folder = join(dir, 'names-itself');
  await mkdir(folder, { recursive: true });
  const server = await startWorkspaceEngine(folder, join(folder, 'itself.agui.json'));
  const api = controlClient(server);
  const exported = await api.get<Workspace>('/workspace/export');
  const naming = structuredClone(exported.body);
  naming.routes = [
    { id: 'keys', path: '/keys', responses: [{ id: 'ok', body: { file: 'itself.agui.json' } }] },
  ] as Workspace['routes'];
  const refused = await api.post<{ detail: WorkspaceProblem }>('/workspace/import', naming);
  assert.equal(refused.status, 422, JSON.stringify(refused.body));
  assert.equal(refused.body.detail.path, 'routes.0.responses.0.body.file');
  assert.match(refused.body.detail.problem, /is the workspace file/);
  assert.equal((await fetch(`${server.url}/keys`)).status, 404, 'nothing of it was taken');
});

test('an export larger than the engine opens is refused as a save is: 409 saying what to make smaller', async () => {
  // This process holds its own event loop for seconds between requests, reading and writing 60 MB of JSON: on a busy
  // machine longer than the engine's 5 s keep-alive timeout, and the engine closed the idle connection just as the
  // client, whose own idle timer could not run meanwhile, reused it ('fetch failed').
  const server = await startTestEngine({ settings: { keepAliveTimeoutMs: 120_000 } });
  const api = controlClient(server);
  handMadeTooLargeHistory(agoraStore(server));
  const refused = await api.get<{ detail: WorkspaceProblem }>('/workspace/export');
  assert.equal(refused.status, 409);
  assert.equal(refused.headers.get('content-disposition'), null, 'nothing is offered as a download');
  assert.equal(refused.body.detail.file, 'Untitled.agui.json');
  assert.match(
    refused.body.detail.problem,
    /^the workspace is larger than 64 MiB, the largest file the engine opens: lower the history limits .* or delete sessions, large records or large routes, then export again \(nothing was exported\)$/,
  );

  for (const run of [0, 1]) assert.equal((await api.delete(`/state/sessions/big-${run}`)).status, 204);
  const headers = { authorization: `Bearer ${server.token}` };
  const exported = await fetch(`${server.url}${CONTROL_API_PREFIX}/workspace/export`, { headers });
  assert.equal(exported.status, 200);
  // Imported as the bytes came: parsed and written again, 48 MB of \u0001 cost this client seconds.
  const text = await exported.text();
  assert.deepEqual(
    agoraData(JSON.parse(text) as Workspace)
      .sessions.map((session) => session.metadata.sessionId)
      .filter((id) => id.startsWith('big-')),
    ['big-2', 'big-3', 'big-4', 'big-5'],
  );
  const imported = await fetch(`${server.url}${CONTROL_API_PREFIX}/workspace/import`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: text,
  });
  assert.equal(imported.status, 200, `what is exported imports again: ${(await imported.text()).slice(0, 300)}`);
});

test('status changes reach the live feed as workspace-changed', async () => {
  const file = join(dir, 'feed.agui.json');
  const server = await startWorkspaceEngine(dir, file, { workspaceOptions: { autosaveDelayMs: 60_000 } });
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.length > 0);
  agoraStore(server).setCurrentUser(null);
  const statuses = () =>
    feed.items.flatMap((item: FeedItem) => (item.type === 'workspace-changed' ? [item.status] : []));
  await feed.waitFor(() => statuses().some((status) => status.dirty));
  await controlClient(server).post('/workspace/save');
  await feed.waitFor(() => statuses().at(-1)?.dirty === false);
  assert.match(await readFile(file, 'utf8'), /"currentUserId": null/);
  feed.socket.close();
});

test('bad paths for open, save as and new answer 4xx saying what is wrong; nothing is read, replaced or hung', async () => {
  const file = join(dir, 'paths.agui.json');
  const server = await startWorkspaceEngine(dir, file);
  const api = controlClient(server);
  const folder = join(dir, 'a-folder');
  await mkdir(folder);
  const fifo = join(dir, 'a-pipe');
  execFileSync('mkfifo', [fifo]);
  const big = join(dir, 'big.agui.json');
  await writeFile(big, '');
  await truncate(big, 65 * 1024 * 1024); // sparse: takes no room on disk
  const tooLong = join(dir, `${'n'.repeat(300)}.agui.json`);
  const underAFile = join(file, 'x.agui.json');

  type Case = [route: string, path: string, status: number, problem: RegExp];
  const cases: Case[] = [
    ['open', folder, 422, /the path is a folder/],
    ['open', fifo, 422, /not a regular file/],
    ['open', big, 422, /larger than 64 MiB/],
    ['open', tooLong, 422, /longer than the file system allows \(ENAMETOOLONG\)/],
    ['open', underAFile, 422, /a part of the path, .*paths\.agui\.json, is a file, not a folder \(ENOTDIR\)/],
    ['open', join(dir, 'missing.agui.json'), 404, /no such file/],
    ['save-as', folder, 422, /the path is a folder/],
    ['save-as', fifo, 422, /not a regular file/],
    ['save-as', tooLong, 422, /ENAMETOOLONG/],
    ['save-as', underAFile, 422, /ENOTDIR/],
    [
      'save-as',
      join(dir, 'no-such-folder', 'x.agui.json'),
      422,
      /the folder .*no-such-folder does not exist \(ENOENT\)/,
    ],
    // Said as it is, with a file to name in it, as `init` says it (it was "the file already exists").
    ['new', folder, 409, /^the path is a folder: name a workspace file, e\.g\. \/.*\/a-folder\/mock\.agui\.json$/],
    ['new', tooLong, 422, /ENAMETOOLONG/],
    ['new', underAFile, 422, /ENOTDIR/],
    // Absolute on another system only: on this one it would name a file in the folder the engine runs in.
    ...(['open', 'save-as', 'new'] as const).flatMap((route): Case[] =>
      (process.platform === 'win32' ? [] : ['C:\\x.agui.json', '\\\\server\\share\\x.agui.json']).map((path) => [
        route,
        path,
        422,
        /not an absolute path on this system/,
      ]),
    ),
  ];
  for (const [route, path, status, problem] of cases) {
    const answer = await api.post<{ detail: WorkspaceProblem }>(`/workspace/${route}`, {
      path,
      ...(route === 'new' && { template: 'generic' }),
    });
    assert.equal(answer.status, status, `${route} ${path.slice(-40)}: ${JSON.stringify(answer.body)}`);
    assert.match(answer.body.detail.problem, problem, `${route} ${path.slice(-40)}`);
  }
  for (const route of ['open', 'save-as', 'new']) {
    for (const [path, message] of [
      ['mock.agui.json', /must be an absolute path/],
      ['../mock.agui.json', /must be an absolute path/],
      ['~/mock.agui.json', /must be an absolute path/],
      [`${dir}/a\u0000b.json`, /must not contain NUL characters/],
      [' ', /at least 1/i],
      [42, /valid string/],
    ] as const) {
      const answer = await api.post<{ detail: { loc: unknown[]; msg: string }[] }>(`/workspace/${route}`, { path });
      assert.equal(answer.status, 422, `${route} ${String(path)}`);
      assert.deepEqual(answer.body.detail[0]?.loc, ['body', 'path']);
      assert.match(answer.body.detail[0]?.msg ?? '', message, `${route} ${String(path)}`);
    }
  }
  assert.ok((await stat(fifo)).isFIFO(), 'the pipe was not replaced by a save');
  assert.ok((await stat(folder)).isDirectory());
  assert.equal((await api.get<WorkspaceStatus>('/workspace')).body.path, file, 'the workspace keeps its file');
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
});

test('saving the attached file when the disk refuses answers 409 with the problem, never 5xx', async () => {
  const file = join(dir, 'refused.agui.json');
  const { server, refusal } = await startRefusingWorkspaceEngine(dir, file, 'EIO', 'EIO: simulated');
  refusal.on = true;
  const answer = await controlClient(server).post<{ detail: WorkspaceProblem }>('/workspace/save');
  assert.equal(answer.status, 409);
  assert.match(answer.body.detail.problem, /could not save \(EIO: simulated\); the file on disk is unchanged/);
});

test('a list longer than a workspace file holds is refused with 422: what is stored always opens again', async () => {
  const file = join(dir, 'full-lists.agui.json');
  // Saved when the test says: an autosave of the 10,000 routes first would write the file twice.
  const server = await startWorkspaceEngine(dir, file, { workspaceOptions: { autosaveDelayMs: 60_000 } });
  const api = controlClient(server);
  const route = (n: number) => ({ id: `r${n}`, path: `/r/${n}`, responses: [{ id: 'ok', body: { json: n } }] });
  const full = Array.from({ length: 10_000 }, (_, n) => route(n));
  // One past the limit, as a whole list and as one more: before, both were stored, and the file then refused to open.
  const over = await api.put<{ detail: { loc: unknown[]; msg: string }[] }>('/routes', { items: [...full, route(-1)] });
  assert.equal(over.status, 422);
  assert.deepEqual(over.body.detail[0]?.loc, ['body', 'items']);
  assert.equal(over.body.detail[0]?.msg, 'a workspace holds at most 10000; this change would make it 10001');
  assert.equal((await api.put('/routes', { items: full })).status, 200);
  const more = await api.post<{ detail: { loc: unknown[]; msg: string }[] }>('/routes', route(10_000));
  assert.equal(more.status, 422);
  assert.deepEqual(more.body.detail[0]?.loc, ['workspace', 'routes']);
  assert.match(more.body.detail[0]?.msg ?? '', /at most 10000/);
  assert.equal((await api.post('/workspace/save')).status, 200);
  assert.equal(((await readJson(file)).routes as unknown[]).length, 10_000);
  assert.equal((await api.post('/workspace/open', { path: file })).status, 200);
  assert.equal((await fetch(`${server.url}/r/9999`).then((answer) => answer.json())) as number, 9999);
});

test('a compact file that would be larger than a workspace file once saved (indented) is refused when opened or read, not taken and then never saved', async () => {
  const compact = join(dir, 'compact-too-large.agui.json');
  // 2 MB on disk; each number on a line of its own, 74 spaces in, once saved: over 64 MiB. Before, it opened, and
  // every save after it was refused.
  await writeFile(compact, `{"version":2,"name":"wide","routes":[${wideRouteJson('a')},${wideRouteJson('b')}]}`);
  const problem =
    /^written as the engine saves it \(indented\), the workspace would be 6\d\.\d MiB, larger than 64 MiB, the largest file the engine opens, so no save could take it: make it smaller \(large routes, records, scenarios or sessions\) and open it again$/;
  // What `agui-mock validate` and `serve --workspace` read it with.
  await assert.rejects(readWorkspaceFile(compact), (error: unknown) => {
    assert.ok(error instanceof WorkspaceError);
    assert.equal(error.file, compact);
    assert.match(error.problem, problem);
    return true;
  });
  const file = join(dir, 'opens-compact.agui.json');
  const server = await startWorkspaceEngine(dir, file, { template: 'blank' });
  const opened = await controlClient(server).post<{ detail: WorkspaceProblem }>('/workspace/open', { path: compact });
  assert.equal(opened.status, 422);
  assert.match(opened.body.detail.problem, problem);
  assert.equal(server.workspace.status().path, file, 'the workspace open stays');
});

test('an import that would be larger than a workspace file, once written with its indent, is refused: nothing changes', async () => {
  const file = join(dir, 'import-too-large.agui.json');
  const server = await startWorkspaceEngine(dir, file, { template: 'blank' });
  const before = await readFile(file, 'utf8');
  // 2 MB sent; each number on a line of its own, 74 spaces in, once written: over 64 MiB. Before, the import was taken
  // and every save after it refused.
  const response = await fetch(`${server.url}/__console/api/workspace/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: `{"version":2,"name":"wide","routes":[${wideRouteJson('a')},${wideRouteJson('b')}]}`,
  });
  assert.equal(response.status, 422);
  const { detail } = (await response.json()) as { detail: WorkspaceProblem };
  assert.equal(detail.file, 'import');
  assert.match(detail.problem, /^written as a file, the workspace would be larger than 64 MiB, .*nothing was changed/);
  const status = await controlClient(server).get<WorkspaceStatus>('/workspace');
  assert.deepEqual([status.body.name, status.body.dirty, status.body.error], ['import-too-large', false, null]);
  assert.equal(await readFile(file, 'utf8'), before);
});
