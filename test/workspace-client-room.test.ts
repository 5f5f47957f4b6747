import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { PACK_DATA_ITEM_LEVEL } from '../src/server/packs/pack-definition';
import { COLLECTION_DATA_MAX_BYTES, recordFileBytes } from '../src/server/routes/collections/collection-budget';
import { DocumentBytes } from '../src/server/workspace/document-bytes';
import { type DecodedWorkspace, encodeWorkspace } from '../src/server/workspace/workspace-codec';
import { workspaceTemplate } from '../src/server/workspace/workspace-templates';
import { WorkspaceSchema } from '../src/shared/workspace';
import { WORKSPACE_MAX_BYTES } from '../src/shared/workspace-max-bytes';
import { agoraStore } from './helpers/agora';
import { controlClient } from './helpers/control-client';
import { recordRuns, recordTooLargeHistory } from './helpers/large-world';
import { agoraWorkspaceFile, startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

const MB = 1024 * 1024;
/** A record of about 4 MB: a few of them fill what a large workspace leaves, with no loop of requests. */
const RECORD_TEXT = 'x'.repeat(4 * MB);

/** `count` routes whose bodies take 8 MB each (what a route's text may take is 10 MB): an imported API's worth. */
function bigRoutes(count: number, prefix: string) {
  const text = 'y'.repeat(8 * MB);
  return Array.from({ length: count }, (_, n) => ({
    id: `${prefix}-${n}`,
    method: 'GET',
    path: `/${prefix}/${n}`,
    responses: [{ id: 'ok', status: 200, body: { text } }],
  }));
}

/** Each large workspace's text by its number of routes: encoded once (40 MB takes seconds), written per test. */
const largeTexts = new Map<number, string>();

/**
 * The agora template with `routes` routes of 8 MB each and a collection `/notes`, written as a file: the part of the
 * workspace its author made is large, and clients' writes have what is left.
 */
async function largeWorkspace(dir: string, routes: number): Promise<string> {
  const file = join(dir, `large-${routes}.agui.json`);
  let text = largeTexts.get(routes);
  if (text === undefined) {
    const template = workspaceTemplate('agora', Date.now(), 'large');
    const workspace = WorkspaceSchema.parse({
      ...template,
      routes: bigRoutes(routes, 'big'),
      collections: [{ id: 'notes', path: '/notes' }],
    });
    text = encodeWorkspace(workspace);
    largeTexts.set(routes, text);
  }
  await writeFile(file, text);
  return file;
}

/**
 * An engine on `file` that takes request bodies of a record's size; saved when a test says (an autosave after each
 * 4 MB record wrote the whole file, up to 64 MiB, again and again: no test here is about autosave).
 */
function startEngine(dir: string, file: string): Promise<MockServer> {
  return startWorkspaceEngine(dir, file, {
    settings: { maxBodyBytes: 16 * MB },
    workspaceOptions: { autosaveDelayMs: 600_000 },
  });
}

async function call(server: MockServer, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** Posts 4 MB records until one is refused; the ids taken and the refusal. */
async function fillWithRecords(server: MockServer) {
  const ids: number[] = [];
  for (let n = 0; n < 20; n++) {
    const posted = await call(server, 'POST', '/notes', { text: RECORD_TEXT });
    if (posted.status !== 201) return { ids, refused: posted };
    ids.push(posted.body.id);
  }
  return { ids, refused: undefined };
}

test("clients' records are held to what the workspace file leaves: 413 before the collections' own 32 MiB, the world saves, deleting makes room", async () => {
  const dir = await workspaceDir();
  const file = await largeWorkspace(dir, 5);
  const server = await startEngine(dir, file);
  const api = controlClient(server);

  const { ids, refused } = await fillWithRecords(server);
  assert.equal(refused?.status, 413);
  assert.match(
    refused?.body.detail,
    /^Content Too Large: the workspace file may hold 64 MiB, the workspace takes .* MiB of it .* delete records first/,
  );
  // Well before the collections' own bound: what the file leaves is what counts.
  assert.ok(ids.length * RECORD_TEXT.length < COLLECTION_DATA_MAX_BYTES - 2 * RECORD_TEXT.length, `${ids.length}`);
  assert.ok(ids.length >= 3, `${ids.length} records taken`);

  const saved = await api.post('/workspace/save');
  assert.equal(saved.status, 200, JSON.stringify(saved.body).slice(0, 300));
  const size = (await stat(file)).size;
  assert.ok(size <= WORKSPACE_MAX_BYTES && size > WORKSPACE_MAX_BYTES - 2 * RECORD_TEXT.length, `${size} bytes`);

  // Deleting one makes room for a record as large; a record made no larger is always taken.
  assert.equal((await call(server, 'POST', '/notes', { text: RECORD_TEXT })).status, 413);
  assert.equal((await call(server, 'DELETE', `/notes/${ids[0]}`)).status, 204);
  assert.equal((await call(server, 'POST', '/notes', { text: RECORD_TEXT })).status, 201);
  assert.equal((await call(server, 'PUT', `/notes/${ids[1]}`, { text: 'z'.repeat(RECORD_TEXT.length) })).status, 200);
  assert.equal((await api.post('/workspace/save')).status, 200);
  assert.ok((await stat(file)).size <= WORKSPACE_MAX_BYTES);
});

test('AGORA users and renamed sessions are held to what the workspace file leaves too; deleting a user or a session makes room', async () => {
  const dir = await workspaceDir();
  const file = await largeWorkspace(dir, 5);
  const server = await startEngine(dir, file);
  const api = controlClient(server);
  const { ids } = await fillWithRecords(server);
  // What is left is less than a record: fill it but for some 100 KB, with one record sized to it.
  const room = server.context.world.clientRoom;
  const left = room.limit - room.usedBytes;
  assert.ok(left < RECORD_TEXT.length + 100, `${left} bytes left`);
  const filler = await call(server, 'POST', '/notes', { text: 'f'.repeat(Math.max(left - 100_000, 0)) });
  assert.equal(filler.status, 201);

  // Preferences near their 16 Ki characters, of three UTF-8 bytes each: about 48 KB a user.
  const large = { notes: '€'.repeat(16_000) };
  const users: string[] = [];
  let refused: { status: number; body: { detail: string } } | undefined;
  for (let n = 0; n < 10 && !refused; n++) {
    const created = await call(server, 'POST', '/users', { email: `big-${n}@example.com`, name: `Big ${n}` });
    assert.equal(created.status, 201);
    users.push(created.body.user.id);
    const filled = await call(server, 'PUT', `/users/me/preferences?user_id=${created.body.user.id}`, large);
    if (filled.status !== 200) refused = filled;
  }
  assert.equal(refused?.status, 413);
  assert.match(
    refused?.body.detail ?? '',
    /^Content Too Large: the workspace file may hold 64 MiB.* delete users first/,
  );
  assert.ok(users.length <= 3, `${users.length} users`);

  // Deleting a user makes room for its preferences elsewhere.
  assert.equal((await call(server, 'DELETE', `/users/${users[0]}`)).status, 200);
  const grown = users[users.length - 1];
  assert.equal((await call(server, 'PUT', `/users/me/preferences?user_id=${grown}`, large)).status, 200);

  // A session made by hand, renamed by a client, grows by its title (200 characters JSON writes as six bytes each):
  // refused when that does not fit, with a record filling all but 500 bytes of the room.
  const empty = recordFileBytes({ id: 999_999, text: '' });
  const rest = room.limit - room.usedBytes - 500 - empty;
  assert.equal((await call(server, 'POST', '/notes', { id: 999_999, text: 'r'.repeat(rest) })).status, 201);
  const session = agoraStore(server).listAllSessions()[0]?.sessionId ?? '';
  const long = await call(server, 'PUT', `/sessions/${session}`, { title: '\u0001'.repeat(200) });
  assert.equal(long.status, 413);
  assert.match(long.body.detail, /this session's new title .* delete users or sessions first/);
  // Deleting another session made by hand, as the 413 says to, gives its room back at once: the title fits then.
  const other = agoraStore(server)
    .listAllSessions()
    .filter((listed) => listed.sessionId !== session)
    .sort((a, b) => b.messageCount - a.messageCount)[0];
  assert.ok(other && other.messageCount >= 4, 'the agora template has sessions made by hand');
  assert.equal((await call(server, 'DELETE', `/sessions/${other.sessionId}`)).status, 200);
  assert.equal((await call(server, 'PUT', `/sessions/${session}`, { title: '\u0001'.repeat(200) })).status, 200);
  assert.equal((await call(server, 'PUT', `/sessions/${session}`, { title: 'ok' })).status, 200);

  assert.equal((await api.post('/workspace/save')).status, 200);
  assert.ok((await stat(file)).size <= WORKSPACE_MAX_BYTES);
  assert.ok(ids.length > 0);
});

test("a console edit that makes the definitions larger leaves clients' writes less room at once", async () => {
  const dir = await workspaceDir();
  const file = await largeWorkspace(dir, 1);
  const server = await startEngine(dir, file);
  const api = controlClient(server);
  // A small world takes records freely.
  assert.equal((await call(server, 'POST', '/notes', { text: RECORD_TEXT })).status, 201);
  // 40 MB more of routes, through the console: what is left is measured then, not per request.
  for (const route of bigRoutes(5, 'more')) {
    const added = await api.post('/routes', route);
    assert.equal(added.status, 201, JSON.stringify(added.body).slice(0, 300));
  }
  const { refused } = await fillWithRecords(server);
  assert.equal(refused?.status, 413);
  assert.equal((await api.post('/workspace/save')).status, 200);
  assert.ok((await stat(file)).size <= WORKSPACE_MAX_BYTES);
});

test("compiles that store nothing — a refused collections edit, an OpenAPI import's dry run — leave clients' room as it was", async () => {
  const dir = await workspaceDir();
  const file = await largeWorkspace(dir, 1);
  const server = await startEngine(dir, file);
  const api = controlClient(server);
  for (let n = 0; n < 3; n++) assert.equal((await call(server, 'POST', '/notes', { text: RECORD_TEXT })).status, 201);
  const room = server.context.world.clientRoom;
  const used = room.usedBytes;

  // Both compile every collection again, loading its records, and neither is stored.
  const shadowed = await api.post('/collections', { id: 'notes-2', path: '/notes' });
  assert.equal(shadowed.status, 422, JSON.stringify(shadowed.body).slice(0, 300));
  const document = JSON.stringify({
    openapi: '3.1.0',
    info: { title: 'dry', version: '1' },
    paths: { '/dry': { get: { operationId: 'dry', responses: { 200: { description: 'ok' } } } } },
  });
  const dry = await api.post('/routes/import-openapi', { document, dryRun: true });
  assert.equal(dry.status, 200, JSON.stringify(dry.body).slice(0, 300));
  assert.equal(room.usedBytes, used);

  // A client's write is charged, and one that frees what it took gives it back.
  const posted = await call(server, 'POST', '/notes', { text: 'small' });
  assert.equal(posted.status, 201);
  assert.ok(room.usedBytes > used);
  assert.equal((await call(server, 'DELETE', `/notes/${posted.body.id}`)).status, 204);
  assert.equal(room.usedBytes, used);
});

test("recorded history is left out of what clients' writes are held to: it gives way at the save", async () => {
  const dir = await workspaceDir();
  const file = await agoraWorkspaceFile(dir, 'recorded.agui.json');
  const server = await startWorkspaceEngine(dir, file, { workspaceOptions: { autosaveDelayMs: 600_000 } });
  const api = controlClient(server);
  // 72 MB recorded by runs, more than the file may hold; a console edit then measures the room.
  recordTooLargeHistory(agoraStore(server));
  assert.equal((await api.patch('/server/settings', { speed: 2 })).status, 200);
  const room = server.context.world.clientRoom;
  assert.ok(room.usedBytes < 1024 * 1024, `${room.usedBytes} bytes counted`);
  const created = await call(server, 'POST', '/users', { email: 'room@example.com', name: 'Room' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
});

/**
 * How many times each object was measured afresh (`DocumentBytes` opens it, not knowing it yet) while `during` ran:
 * a measure remembers what it measured by identity, and one that did not know an object looks at all of it again.
 */
async function measuredAfresh(during: () => Promise<void>): Promise<Map<object, number>> {
  const measure = DocumentBytes.prototype as unknown as { container(value: object, levels: number): unknown };
  const container = measure.container;
  const counts = new Map<object, number>();
  measure.container = function (this: unknown, value: object, levels: number) {
    counts.set(value, (counts.get(value) ?? 0) + 1);
    return container.call(this, value, levels);
  };
  try {
    await during();
  } finally {
    measure.container = container;
  }
  return counts;
}

test('a workspace served from a file (started, opened) or imported is measured as a file once: the check that it could be saved and the room clients have share the measure', async () => {
  const dir = await workspaceDir();
  const withRoutes = (name: string) =>
    encodeWorkspace(
      WorkspaceSchema.parse({
        ...workspaceTemplate('blank', Date.now(), name),
        routes: ['a', 'b'].map((id) => ({ id: `${name}-${id}`, path: `/${name}/${id}`, responses: [{ id: 'ok' }] })),
      }),
    );
  const file = join(dir, 'measured.agui.json');
  await writeFile(file, withRoutes('file'));
  const routesMeasured = (counts: Map<object, number>, routes: readonly object[]) =>
    routes.map((route) => counts.get(route) ?? 0);

  let server: MockServer | undefined;
  const started = await measuredAfresh(async () => {
    server = await startEngine(dir, file);
  });
  if (!server) throw new Error('no engine');
  const { workspace } = server;
  // Before, twice each: refused if too large to save by a measure of its own, then measured again for the room.
  assert.deepEqual(routesMeasured(started, workspace.document().routes), [1, 1]);
  const api = controlClient(server);
  assert.equal(
    (await api.post('/workspace/open', { path: await agoraWorkspaceFile(dir, 'other.agui.json') })).status,
    200,
  );
  const opened = await measuredAfresh(async () => {
    assert.equal((await api.post('/workspace/open', { path: file })).status, 200);
  });
  assert.deepEqual(routesMeasured(opened, workspace.document().routes), [1, 1]);

  // An import is measured when it is decoded, before anything changes (before, it was encoded whole to find its size,
  // then measured once applied), and not again once applied.
  let imported: DecodedWorkspace | undefined;
  const decoded = await measuredAfresh(async () => {
    imported = workspace.decodeImport(withRoutes('import'), (refusal) => new Error(refusal.kind));
  });
  if (!imported) throw new Error('not decoded');
  assert.deepEqual(routesMeasured(decoded, imported.workspace.routes), [1, 1]);
  const applying = imported;
  const applied = await measuredAfresh(async () => workspace.applyImport(applying));
  const served = workspace.document().routes;
  assert.deepEqual(
    served.map((route) => route.id),
    ['import-a', 'import-b'],
  );
  assert.deepEqual(routesMeasured(applied, served), [0, 0]);
});

test("an AGORA world is measured once as it loads (started, opened, imported): its sessions are served as they were read, not copied and measured again for clients' room", async () => {
  const dir = await workspaceDir();
  const file = await agoraWorkspaceFile(dir, 'sessions.agui.json');
  // Recorded history too: what a save may evict is weighed apart (`evictableBytes`), and must not measure it again.
  const recorder = await startEngine(dir, file);
  recordRuns(agoraStore(recorder), 0.05);
  await recorder.workspace.save();
  await recorder.close();
  const text = await readFile(file, 'utf8');

  let server: MockServer | undefined;
  const started = await measuredAfresh(async () => {
    server = await startEngine(dir, file);
  });
  if (!server) throw new Error('no engine');
  const { workspace } = server;
  const api = controlClient(server);
  assert.equal(
    (await api.post('/workspace/open', { path: await agoraWorkspaceFile(dir, 'other.agui.json') })).status,
    200,
  );
  const opened = await measuredAfresh(async () => {
    assert.equal((await api.post('/workspace/open', { path: file })).status, 200);
  });
  const imported = await measuredAfresh(async () => {
    workspace.applyImport(workspace.decodeImport(text, (refusal) => new Error(refusal.kind)));
  });
  // Each load serves the same world.
  const sessions = agoraStore(server).sharedSnapshot().sessions;
  const served = { message: sessions.flatMap((session) => session.history).length, session: sessions.length };
  assert.ok(served.message > 100, `${served.message} messages`);
  for (const [load, measured] of Object.entries({ started, opened, imported })) {
    // Before, twice each: as read, then the store's copies.
    const count = (is: (value: object) => boolean) => [...measured.keys()].filter(is).length;
    assert.equal(
      count((value) => 'role' in value),
      served.message,
      `${load}: each history message measured once`,
    );
    assert.equal(
      count((value) => 'sessionId' in value),
      served.session,
      `${load}: each session's metadata once`,
    );
    const isHistory = (value: object) =>
      Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'object' && 'role' in item);
    assert.equal(count(isHistory), served.session, `${load}: each session's history once`);
  }
  // Served as read, the room is what a measure of its own finds.
  const fresh = new DocumentBytes();
  const evictable = agoraStore(server).evictableBytes((item) => fresh.item(item, PACK_DATA_ITEM_LEVEL));
  assert.ok(evictable > 0);
  assert.equal(server.context.world.clientRoom.usedBytes, fresh.of(workspace.document()) - evictable);
});
