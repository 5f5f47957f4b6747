import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import WebSocket from 'ws';
import type { ConnectionSummary } from '../src/shared/connections';
import type { ItemsPage, ServerInfo } from '../src/shared/control-api';
import type { RequestLogEntry, RequestLogPage } from '../src/shared/request-log';
import { MAX_API_KEYS, type ServerSettings } from '../src/shared/settings';
import { AguiSocket, assertValidStream } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { eventually } from './helpers/wait';
import { readJson, startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// The gateway's API-key check, on a real engine: every mocked REST request needs X-API-Key (401 otherwise, CORS
// preflights excepted), every mocked WebSocket ?token= (accepted, then closed 4001 "Unauthorized"); the console is
// never affected; the setting is live, per workspace, and --api-key keys are launch overrides kept out of the file.

const KEY = 'hai-dev-key-1';
const OTHER_KEY = 'second.key~2';
const dir = await workspaceDir();
const folder = join(dir, 'site');
await mkdir(join(folder, 'public'), { recursive: true });
await writeFile(join(folder, 'public', 'index.html'), '<h1>hi</h1>');

/** An AGORA engine with one of every mount kind, the check on with KEY and OTHER_KEY. */
const server = await startWorkspaceEngine(folder, join(folder, 'gate.agui.json'), {
  settings: { gatewayAuth: { enabled: true, keys: [KEY, OTHER_KEY] } },
});
const api = controlClient(server);
assert.equal((await api.post('/routes', { id: 'hello', path: '/hello', responses: [{ id: 'ok' }] })).status, 201);
assert.equal(
  (await api.post('/collections', { id: 'books', path: '/books', records: [{ id: 1, title: 'Dune' }] })).status,
  201,
);
assert.equal((await api.post('/static-folders', { id: 'site', path: '/site', folder: 'public' })).status, 201);

const RUN_INPUT = {
  threadId: 'thread-gate',
  runId: 'run-gate',
  messages: [{ id: 'm1', role: 'user', content: 'hallo' }],
  tools: [],
  context: [],
  state: {},
  forwardedProps: {},
};

/** One request of every family the mocked API serves: a pack's routes, user routes, collections, folders, agents. */
const FAMILIES: { name: string; method: string; path: string; body?: unknown; ok: number }[] = [
  { name: 'pack: health', method: 'GET', path: '/health', ok: 200 },
  { name: 'pack: users', method: 'GET', path: '/users?limit=5', ok: 200 },
  { name: 'pack: sessions', method: 'GET', path: '/sessions?user_id=koen', ok: 200 },
  { name: 'pack: agents', method: 'GET', path: '/agents', ok: 200 },
  { name: 'pack: documents', method: 'GET', path: '/mock_documents/report.json', ok: 200 },
  { name: 'pack: PUT with a body', method: 'PUT', path: '/sessions/session-jan-supermarket', body: {}, ok: 200 },
  { name: 'route', method: 'GET', path: '/hello', ok: 200 },
  { name: 'collection', method: 'GET', path: '/books/1', ok: 200 },
  { name: 'static folder', method: 'GET', path: '/site/index.html', ok: 200 },
  { name: 'agent (HTTP binding)', method: 'POST', path: '/agent', body: RUN_INPUT, ok: 200 },
  { name: 'nothing (404)', method: 'GET', path: '/nothing/here', ok: 404 },
];

async function call(family: (typeof FAMILIES)[number], headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${family.path}`, {
    method: family.method,
    headers: { ...headers, ...(family.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: family.body === undefined ? undefined : JSON.stringify(family.body),
  });
  const text = await response.text();
  return { status: response.status, text };
}

async function latestRequest(path: string): Promise<RequestLogEntry> {
  let found: RequestLogEntry | undefined;
  await eventually(async () => {
    const page = (await api.get<RequestLogPage<RequestLogEntry>>('/requests?limit=50')).body;
    found = page.items.find((entry) => `${entry.path}${entry.query ? `?${entry.query}` : ''}` === path);
    return found !== undefined;
  }, `${path} in the request log`);
  return found as RequestLogEntry;
}

/** Sends only the fields given: the others keep their values. */
async function setGateway(gatewayAuth: Partial<ServerSettings['gatewayAuth']>) {
  const answer = await api.patch<ServerSettings>('/server/settings', { gatewayAuth });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

test('every REST route family answers 401 without a key and with a wrong one, and serves with a key', async () => {
  for (const family of FAMILIES) {
    const missing = await call(family);
    assert.equal(missing.status, 401, `${family.name} without a key`);
    assert.deepEqual(JSON.parse(missing.text), { detail: 'Invalid or missing API key' }, family.name);
    const wrong = await call(family, { 'X-API-Key': 'not-the-key' });
    assert.equal(wrong.status, 401, `${family.name} with a wrong key`);
    for (const key of [KEY, OTHER_KEY]) {
      const allowed = await call(family, { 'X-API-Key': key });
      assert.equal(allowed.status, family.ok, `${family.name} with a key: ${allowed.text.slice(0, 200)}`);
    }
  }
});

test('a refused request is in the request log with the reason, never the key', async () => {
  await call({ name: 'x', method: 'GET', path: '/users?refused=missing', ok: 401 });
  await call({ name: 'x', method: 'GET', path: '/users?refused=wrong', ok: 401 }, { 'X-API-Key': 'guess' });
  await call({ name: 'x', method: 'GET', path: '/users?refused=no', ok: 200 }, { 'X-API-Key': KEY });
  const missing = await latestRequest('/users?refused=missing');
  assert.equal(missing.status, 401);
  assert.equal(missing.refusal, 'gateway auth: no X-API-Key header');
  assert.equal(missing.answeredBy, null);
  const wrong = await latestRequest('/users?refused=wrong');
  assert.equal(wrong.refusal, 'gateway auth: X-API-Key is not one of the keys');
  assert.ok(!JSON.stringify(wrong.refusal).includes('guess'));
  const passed = await latestRequest('/users?refused=no');
  assert.equal(passed.refusal, null);
  // The summaries the console's list reads carry the reason too.
  const summaries = (await api.get<RequestLogPage>('/requests?limit=50&view=summary')).body.items;
  assert.ok(summaries.some((entry) => entry.refusal === 'gateway auth: no X-API-Key header'));
});

test('CORS preflights pass without a key, and a 401 carries CORS headers a browser can read', async () => {
  const preflight = await fetch(`${server.url}/users/me/preferences?user_id=koen`, {
    method: 'OPTIONS',
    headers: {
      Origin: 'http://localhost:5173',
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'content-type, x-api-key',
    },
  });
  assert.equal(preflight.status, 200);
  assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:5173');
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /x-api-key/i);
  const refused = await fetch(`${server.url}/users`, { headers: { Origin: 'http://localhost:5173' } });
  assert.equal(refused.status, 401);
  assert.equal(refused.headers.get('access-control-allow-origin'), 'http://localhost:5173');
});

test('the console is not affected: its API and page answer without a key', async () => {
  assert.equal((await api.get<ServerInfo>('/server')).status, 200);
  const page = await fetch(`${server.url}/__console/`);
  assert.notEqual(page.status, 401);
});

/** Opens a socket and records how it ends: its close code and reason, and whatever frames arrived. */
function openRaw(path: string) {
  const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}${path}`);
  const frames: string[] = [];
  socket.on('message', (data) => frames.push(data.toString()));
  const opened = new Promise<boolean>((resolve) => {
    socket.once('open', () => resolve(true));
    socket.once('unexpected-response', () => resolve(false));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  socket.on('error', () => {});
  return { socket, frames, opened, closed };
}

async function connectionFor(predicate: (c: ConnectionSummary) => boolean): Promise<ConnectionSummary> {
  let found: ConnectionSummary | undefined;
  await eventually(async () => {
    found = (await api.get<ItemsPage<ConnectionSummary>>('/connections')).body.items.find(predicate);
    return found !== undefined && found.state === 'closed';
  }, 'the closed connection');
  return found as ConnectionSummary;
}

test('a socket without a token, or with a wrong one, is accepted and then closed 4001 "Unauthorized"', async () => {
  for (const [path, reason] of [
    ['/ws', 'gateway auth: no ?token= in the URL'],
    ['/ws?token=wrong', 'gateway auth: ?token= is not one of the keys'],
    ['/ws?token=', 'gateway auth: no ?token= in the URL'],
  ] as const) {
    const before = new Set((await api.get<ItemsPage<ConnectionSummary>>('/connections')).body.items.map((c) => c.id));
    const client = openRaw(path);
    assert.equal(await client.opened, true, `${path}: the handshake succeeds, as behind the real gateway`);
    // It speaks before it learns it is refused: nothing it sends is answered.
    client.socket.send(JSON.stringify({ threadId: 't', messages: [{ role: 'user', content: 'hallo' }] }));
    assert.deepEqual(await client.closed, { code: 4001, reason: 'Unauthorized' }, path);
    assert.deepEqual(client.frames, [], `${path}: no frame before the close`);
    const connection = await connectionFor((c) => !before.has(c.id));
    assert.equal(connection.closeCode, 4001);
    assert.equal(connection.refusal, reason);
    assert.ok(!JSON.stringify(connection).includes('wrong'), 'the token is never shown');
  }
});

test('a socket with a valid token runs normally', async () => {
  const socket = await AguiSocket.open(
    `${server.url.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(OTHER_KEY)}`,
  );
  socket.ask('hallo');
  await socket.waitForRuns(1, 20_000);
  await assertValidStream(socket.events);
  assert.equal(socket.events.at(-1)?.type, 'RUN_FINISHED');
  await socket.close();
  const connection = await connectionFor((c) => c.threadId === 'thread-test' && c.closeCode === 1005);
  assert.equal(connection.refusal, null);
});

test('the check turns on and off live, for REST and sockets alike, and each key works', async () => {
  await setGateway({ enabled: false });
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
  const open = await AguiSocket.open(`${server.url.replace(/^http/, 'ws')}/ws`);
  open.ask('hallo');
  await open.waitForRuns(1, 20_000);
  await open.close();

  await setGateway({ enabled: true });
  assert.equal((await fetch(`${server.url}/health`)).status, 401);
  const refused = openRaw('/ws');
  assert.equal((await refused.closed).code, 4001);

  // A key removed no longer passes; one added does, at once.
  await setGateway({ keys: [OTHER_KEY, 'added-key'] });
  assert.equal((await fetch(`${server.url}/health`, { headers: { 'X-API-Key': KEY } })).status, 401);
  assert.equal((await fetch(`${server.url}/health`, { headers: { 'X-API-Key': 'added-key' } })).status, 200);
  await setGateway({ keys: [KEY, OTHER_KEY] });
});

test('a change to one field of the check keeps the other: turning it on keeps the keys, new keys keep it on', async () => {
  await setGateway({ enabled: false });
  assert.deepEqual(server.settings().gatewayAuth, { enabled: false, keys: [KEY, OTHER_KEY] });
  assert.deepEqual((await setGateway({ enabled: true })).gatewayAuth, { enabled: true, keys: [KEY, OTHER_KEY] });
  assert.equal((await fetch(`${server.url}/health`, { headers: { 'X-API-Key': KEY } })).status, 200);
  assert.deepEqual((await setGateway({ keys: [OTHER_KEY] })).gatewayAuth, { enabled: true, keys: [OTHER_KEY] });
  assert.equal((await fetch(`${server.url}/health`)).status, 401, 'still on');
  const unknown = await api.patch('/server/settings', { gatewayAuth: { enable: true } });
  assert.equal(unknown.status, 422, 'a misspelt field is refused, not dropped');
  await setGateway({ keys: [KEY, OTHER_KEY] });
});

test('keys with spaces or control characters, duplicates or empty ones are refused with a message', async () => {
  const refusal = async (key: string) => {
    const answer = await api.patch<{ detail: { loc: unknown[]; msg: string }[] }>('/server/settings', {
      gatewayAuth: { enabled: true, keys: [key] },
    });
    assert.equal(answer.status, 422, JSON.stringify(key));
    assert.deepEqual(answer.body.detail[0]?.loc, ['body', 'gatewayAuth', 'keys', 0]);
    return answer.body.detail[0]?.msg ?? '';
  };
  for (const bad of ['has space', 'tab\there', 'nl\n', 'nul\u0000', 'é-accent']) {
    assert.match(await refusal(bad), /may not contain spaces, control characters or non-ASCII/, JSON.stringify(bad));
  }
  assert.match(await refusal(''), /at least 1 character/);
  assert.match(await refusal('x'.repeat(257)), /at most 256 characters/);
  const twice = await api.patch('/server/settings', { gatewayAuth: { enabled: true, keys: [KEY, KEY] } });
  assert.equal(twice.status, 422);
  assert.match(JSON.stringify(twice.body), /listed once/);
  assert.deepEqual(server.settings().gatewayAuth, { enabled: true, keys: [KEY, OTHER_KEY] }, 'nothing changed');
});

test('the setting is saved in the workspace; keys given at launch are in force but never saved', async () => {
  const file = join(folder, 'launch.agui.json');
  await writeFile(
    file,
    JSON.stringify({ version: 2, name: 'launch', settings: { gatewayAuth: { enabled: false, keys: ['file-key'] } } }),
  );
  const launched = await startWorkspaceEngine(folder, file, {
    settings: { gatewayAuth: { enabled: true, keys: ['launch-key'] } },
  });
  const launchedApi = controlClient(launched);
  assert.deepEqual(launched.settings().gatewayAuth, { enabled: true, keys: ['launch-key', 'file-key'] });
  const info = (await launchedApi.get<ServerInfo>('/server')).body;
  assert.deepEqual(info.launchApiKeys, ['launch-key']);
  assert.deepEqual(info.settings.gatewayAuth.keys, ['launch-key', 'file-key'], 'the console sees every key');
  // The file has no mounts: past the gateway every request is a 404.
  assert.equal((await fetch(`${launched.url}/x`)).status, 401);
  assert.equal((await fetch(`${launched.url}/x`, { headers: { 'X-API-Key': 'file-key' } })).status, 404);
  assert.equal((await fetch(`${launched.url}/x`, { headers: { 'X-API-Key': 'launch-key' } })).status, 404);

  // Something else changes and is saved: the file keeps its own gateway setting.
  await launchedApi.patch('/server/settings', { speed: 2 });
  await launched.workspace.save();
  let saved = await readJson(file);
  assert.deepEqual((saved.settings as ServerSettings).gatewayAuth, { enabled: false, keys: ['file-key'] });

  // The user turns the check off and adds a key in the console: that is saved, the launch key still is not.
  await launchedApi.patch('/server/settings', {
    gatewayAuth: { enabled: false, keys: ['launch-key', 'file-key', 'console-key'] },
  });
  await launched.workspace.save();
  saved = await readJson(file);
  assert.deepEqual((saved.settings as ServerSettings).gatewayAuth, {
    enabled: false,
    keys: ['file-key', 'console-key'],
  });

  // The console removes the launch key: it is no longer in force, and the server no longer says it is.
  await launchedApi.patch('/server/settings', { gatewayAuth: { enabled: true, keys: ['file-key', 'console-key'] } });
  assert.equal((await fetch(`${launched.url}/x`, { headers: { 'X-API-Key': 'launch-key' } })).status, 401);
  assert.deepEqual((await launchedApi.get<ServerInfo>('/server')).body.launchApiKeys, []);
});

test("a file's keys that gave way to launch keys at the limit stay in the file when the setting is changed", async () => {
  const file = join(folder, 'full.agui.json');
  const fileKeys = Array.from({ length: MAX_API_KEYS }, (_, index) => `file-key-${index}`);
  await writeFile(
    file,
    JSON.stringify({ version: 2, name: 'full', settings: { gatewayAuth: { enabled: false, keys: fileKeys } } }),
  );
  const launched = await startWorkspaceEngine(folder, file, {
    settings: { gatewayAuth: { enabled: true, keys: ['launch-key'] } },
  });
  const launchedApi = controlClient(launched);
  const inForce = launched.settings().gatewayAuth.keys;
  assert.equal(inForce.length, MAX_API_KEYS);
  assert.deepEqual(inForce.slice(0, 2), ['launch-key', 'file-key-0'], 'the launch key first, the last file key gone');
  assert.ok(!inForce.includes(`file-key-${MAX_API_KEYS - 1}`));

  // The console turns the check off, sending the keys it sees: the file key it never saw is not removed by that.
  await launchedApi.patch('/server/settings', { gatewayAuth: { enabled: false, keys: inForce } });
  await launched.workspace.save();
  assert.deepEqual(((await readJson(file)).settings as ServerSettings).gatewayAuth, { enabled: false, keys: fileKeys });

  // One the console removes is removed; the one never in force still stays.
  await launchedApi.patch('/server/settings', {
    gatewayAuth: { enabled: false, keys: inForce.filter((key) => key !== 'file-key-0') },
  });
  await launched.workspace.save();
  const saved = (await readJson(file)).settings as ServerSettings;
  assert.deepEqual(saved.gatewayAuth.keys, fileKeys.slice(1));
});
