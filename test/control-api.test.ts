import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ConnectionSummary, FrameRecord } from '../src/shared/connections';
import type { ItemsPage, ServerInfo } from '../src/shared/control-api';
import type { RequestLogEntry } from '../src/shared/request-log';
import { AguiSocket } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { rawHttp } from './helpers/raw-http';
import { eventually } from './helpers/wait';

/** A request with a Host header of our choosing (fetch does not allow setting it). */
function getWithHost(port: number, path: string, host: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { port, path, host: '127.0.0.1', headers: { host, authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('the control API wants the token: missing or wrong → 401 JSON', async () => {
  const server = await startTestEngine();
  const missing = await fetch(`${server.url}/__console/api/server`);
  assert.equal(missing.status, 401);
  assert.match(((await missing.json()) as { detail: string }).detail, /Missing console token.*Bearer/);
  assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
  const wrong = await controlClient(server, 'not-the-token').get<{ detail: string }>('/server');
  assert.equal(wrong.status, 401);
  assert.match(wrong.body.detail, /Invalid console token/);
  const unknownPath = await fetch(`${server.url}/__console/api/nope`);
  assert.equal(unknownPath.status, 401, 'unknown paths do not leak before auth');
  assert.equal((await controlClient(server).get('/nope')).status, 404);
});

test('requests for a foreign Host are refused 403 (DNS rebinding), loopback names and IPs pass', async () => {
  const server = await startTestEngine();
  const path = '/__console/api/server';
  assert.equal(await getWithHost(server.port, path, `evil.example:${server.port}`, server.token), 403);
  // Not a host as a URL writes one, though a loose reading found an IP in each (`[::1]evil.com` read as ::1).
  for (const host of [
    '[::1',
    '[::1]evil.com',
    `[::1]:${server.port}x`,
    'localhost:99999',
    '::1',
    '127.1',
    'localhost/x',
  ])
    assert.equal(await getWithHost(server.port, path, host, server.token), 403, host);
  for (const host of [
    `localhost:${server.port}`,
    `127.0.0.1:${server.port}`,
    `[::1]:${server.port}`,
    'app.localhost',
  ]) {
    assert.equal(await getWithHost(server.port, path, host, server.token), 200, host);
  }
});

test('/__console/health answers ok without a token, whatever the Host, and is not logged', async () => {
  // A workspace with no routes at all: the check does not depend on what the world mounts.
  const server = await startTestEngine({ template: 'blank' });
  const health = await fetch(`${server.url}/__console/health`);
  assert.equal(health.status, 200);
  assert.equal(health.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await health.json(), { status: 'ok' });
  assert.equal(await getWithHost(server.port, '/__console/health', `evil.example:${server.port}`, 'no-token'), 200);
  const head = await fetch(`${server.url}/__console/health`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  const post = await fetch(`${server.url}/__console/health`, { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
  assert.deepEqual(await post.json(), { detail: 'Method Not Allowed' });
  assert.equal(server.context.requestLog.size, 0);
});

test('no CORS on the control API, and it is kept out of the REST request log', async () => {
  const server = await startTestEngine();
  const response = await fetch(`${server.url}/__console/api/server`, {
    headers: { authorization: `Bearer ${server.token}`, origin: server.url },
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('access-control-allow-origin'), null);
  assert.equal(server.context.requestLog.size, 0);
});

test("a request from another origin is refused 403, token or not; the console's own origin and no Origin pass", async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  for (const origin of [
    'http://evil.example',
    `http://evil.example:${server.port}`,
    `http://localhost:${server.port}`,
    `http://127.0.0.1:${server.port + 1}`,
    // The same host and port with the scheme this plain HTTP engine does not serve.
    `https://127.0.0.1:${server.port}`,
    'null',
    'not a url',
    // What is not an origin at all: a user, a path.
    `http://evil@127.0.0.1:${server.port}`,
    `http://127.0.0.1:${server.port}/`,
  ]) {
    for (const [method, path] of [
      ['GET', '/server'],
      ['POST', '/state/reset'],
      ['DELETE', '/requests'],
    ] as const) {
      const response = await fetch(`${server.url}/__console/api${path}`, {
        method,
        headers: { authorization: `Bearer ${server.token}`, origin },
      });
      assert.equal(response.status, 403, `${method} ${path} from ${origin}`);
      assert.match(
        ((await response.json()) as { detail: string }).detail,
        /^Forbidden origin: only the console's own page/,
      );
    }
  }
  assert.equal((await api.get('/server', { origin: `http://127.0.0.1:${server.port}` })).status, 200);
  assert.equal((await api.get('/server')).status, 200, 'scripts send no Origin: the token guards them');
  // Addressed as localhost, the console's origin is localhost.
  assert.equal(await getWithHost(server.port, '/__console/api/server', `localhost:${server.port}`, server.token), 200);
});

test('GET /server describes the engine', async () => {
  const server = await startTestEngine();
  const { status, body } = await controlClient(server).get<ServerInfo>('/server');
  assert.equal(status, 200);
  assert.deepEqual(body.packs, ['agora-mock']);
  assert.equal(body.urls.http, server.url);
  assert.equal(body.urls.ws, server.wsUrl);
  assert.equal(body.urls.agent, `${server.url}/agent`);
  assert.deepEqual(
    body.endpoints.sockets.map(({ id, path, pack }) => ({ id, path, pack })),
    [{ id: 'ws', path: '/ws', pack: 'agora-mock' }],
  );
  assert.deepEqual(
    body.endpoints.agents.map(({ id, url }) => ({ id, url })),
    [{ id: 'agent', url: `${server.url}/agent` }],
  );
  assert.equal(body.settings.speed, 0);
  assert.equal(body.counts.users, 3);
  assert.equal(body.counts.sessions, 4);
  assert.ok(body.uptimeMs >= 0);
});

test('PATCH /server/settings changes only what is sent and validates it', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const ok = await api.patch<ServerInfo['settings']>('/server/settings', { speed: 2.5, frameBufferSize: 500 });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.speed, 2.5);
  assert.equal(ok.body.frameBufferSize, 500);
  assert.equal(ok.body.heartbeatIntervalMs, 30_000, 'untouched settings keep their values');
  assert.equal(server.settings().speed, 2.5);
  const bad = await api.patch<{ detail: { loc: unknown[] }[] }>('/server/settings', { speed: -1, colour: 'red' });
  assert.equal(bad.status, 422);
  assert.deepEqual(
    bad.body.detail.map((issue) => issue.loc),
    [
      ['body', 'speed'],
      ['body', 'colour'],
    ],
  );
  assert.equal(server.settings().speed, 2.5, 'a rejected change changes nothing');
  assert.equal((await api.patch('/server/settings', {})).status, 422);
});

test('connections: list with filters, one with counters, frames newest first with filters', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const client = await AguiSocket.open(server.wsUrl);
  client.ask('hallo');
  await client.waitForRuns(1);
  const list = await api.get<ItemsPage<ConnectionSummary>>('/connections?state=open&path=/ws');
  assert.equal(list.body.total, 1);
  const [summary] = list.body.items;
  assert.ok(summary);
  assert.equal(summary.state, 'open');
  assert.equal(summary.threadId, 'thread-test');
  assert.equal(summary.counters.framesIn, 1);
  assert.equal(summary.counters.framesOut, client.events.length);
  assert.equal((await api.get<ItemsPage<ConnectionSummary>>('/connections?state=closed')).body.total, 0);
  assert.equal((await api.get('/connections?state=nonsense')).status, 422);

  const one = await api.get<ConnectionSummary>(`/connections/${summary.id}`);
  assert.equal(one.body.id, summary.id);
  assert.equal((await api.get('/connections/unknown-id')).status, 404);

  const frames = await api.get<ItemsPage<FrameRecord>>(`/connections/${summary.id}/frames?limit=3`);
  assert.equal(frames.body.items.length, 3);
  assert.equal(frames.body.total, client.events.length + 1);
  const seqs = frames.body.items.map((frame) => frame.seq);
  assert.deepEqual(
    seqs,
    [...seqs].sort((a, b) => b - a),
    'newest first',
  );
  assert.equal(frames.body.items[0]?.eventType, 'RUN_FINISHED');
  const incoming = await api.get<ItemsPage<FrameRecord>>(`/connections/${summary.id}/frames?direction=in`);
  assert.deepEqual(
    incoming.body.items.map((frame) => frame.eventType),
    ['RunAgentInput'],
  );
  const started = await api.get<ItemsPage<FrameRecord>>(`/connections/${summary.id}/frames?eventType=RUN_STARTED`);
  assert.equal(started.body.total, 1);
  const older = await api.get<ItemsPage<FrameRecord>>(`/connections/${summary.id}/frames?before=3`);
  assert.deepEqual(
    older.body.items.map((frame) => frame.seq),
    [2, 1],
  );
  await client.close();
});

test('close with a chosen code and reason reaches the client; bad codes and long reasons are refused', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const client = await AguiSocket.open(server.wsUrl);
  const [connection] = (await api.get<ItemsPage<ConnectionSummary>>('/connections')).body.items;
  assert.ok(connection);
  for (const body of [{ code: 1005 }, { code: 2999 }, { code: 5000 }, { code: 4001, reason: 'x'.repeat(124) }, {}]) {
    const refused: { status: number } = await api.post(`/connections/${connection.id}/close`, body);
    assert.equal(refused.status, 422, JSON.stringify(body));
  }
  // Only integers are codes: text is not one, as pydantic says of an int field.
  const asText = await api.post(`/connections/${connection.id}/close`, { code: '1000' });
  assert.deepEqual(asText.body, {
    detail: [{ type: 'int_type', loc: ['body', 'code'], msg: 'Input should be a valid integer', input: '1000' }],
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    client.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const accepted = await api.post<ConnectionSummary>(`/connections/${connection.id}/close`, {
    code: 4001,
    reason: 'Unauthorized',
  });
  assert.equal(accepted.status, 202);
  assert.deepEqual(await closed, { code: 4001, reason: 'Unauthorized' });
  let after: ConnectionSummary | undefined;
  await eventually(async () => {
    after = (await api.get<ConnectionSummary>(`/connections/${connection.id}`)).body;
    return after.state === 'closed';
  }, 'the connection to be listed as closed');
  assert.equal(after?.closeCode, 4001);
  assert.equal((await api.post(`/connections/${connection.id}/close`, { code: 1000 })).status, 409);
});

test('terminate drops the TCP connection: the client sees 1006', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const client = await AguiSocket.open(server.wsUrl);
  const [connection] = (await api.get<ItemsPage<ConnectionSummary>>('/connections')).body.items;
  assert.ok(connection);
  const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
  assert.equal((await api.post(`/connections/${connection.id}/terminate`)).status, 202);
  assert.equal(await closed, 1006);
});

test('a request a pack refuses (422, 404 for an unknown id) is logged as answered by the pack; one nothing serves by nothing', async () => {
  const server = await startTestEngine();
  const invalid = await fetch(`${server.url}/users/me/preferences?user_id=koen`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ theme: 5 }),
  });
  assert.equal(invalid.status, 422);
  const unknown = await fetch(`${server.url}/sessions/no-such-session/history`);
  assert.equal(unknown.status, 404);
  assert.equal((await fetch(`${server.url}/nothing-here`)).status, 404);
  const { body } = await controlClient(server).get<ItemsPage<RequestLogEntry>>('/requests');
  const answered = Object.fromEntries(body.items.map((entry) => [`${entry.method} ${entry.path}`, entry.answeredBy]));
  assert.deepEqual(answered, {
    'PUT /users/me/preferences': { kind: 'pack', id: 'agora-mock' },
    'GET /sessions/no-such-session/history': { kind: 'pack', id: 'agora-mock' },
    'GET /nothing-here': null,
  });
});

test('a JSON body that does not parse is logged as it was sent, beside the 400 that says why', async () => {
  const server = await startTestEngine();
  const sent = '{"theme": "dark",';
  const refused = await fetch(`${server.url}/users/me/preferences?user_id=koen`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: sent,
  });
  assert.equal(refused.status, 400);
  const { body } = await controlClient(server).get<ItemsPage<RequestLogEntry>>('/requests');
  const entry = body.items[0];
  assert.ok(entry);
  assert.deepEqual(entry.requestBody, {
    text: sent,
    size: Buffer.byteLength(sent),
    truncated: false,
    described: false,
    evicted: false,
  });
  assert.match(JSON.parse(entry.responseBody?.text ?? '').detail, /JSON/);
});

test('GET /requests shows a PUT with headers and bodies both ways, newest first', async () => {
  const server = await startTestEngine();
  await fetch(`${server.url}/users/me/preferences?user_id=550e8400-e29b-41d4-a716-446655440001`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
    body: JSON.stringify({ theme: 'dark' }),
  });
  await fetch(`${server.url}/health`);
  const api = controlClient(server);
  const { body } = await api.get<ItemsPage<RequestLogEntry>>('/requests');
  assert.equal(body.total, 2);
  assert.deepEqual(
    body.items.map((entry) => `${entry.method} ${entry.path}`),
    ['GET /health', 'PUT /users/me/preferences'],
  );
  const put = body.items[1];
  assert.ok(put);
  assert.equal(put.status, 200);
  assert.equal(put.query, 'user_id=550e8400-e29b-41d4-a716-446655440001');
  assert.equal(put.requestHeaders['x-api-key'], 'k');
  assert.deepEqual(JSON.parse(put.requestBody?.text ?? ''), { theme: 'dark' });
  assert.equal(JSON.parse(put.responseBody?.text ?? '').preferences.theme, 'dark');
  assert.match(String(put.responseHeaders['content-type']), /application\/json/);
  assert.deepEqual(put.answeredBy, { kind: 'pack', id: 'agora-mock' });
  const filtered = await api.get<ItemsPage<RequestLogEntry>>('/requests?method=put');
  assert.equal(filtered.body.total, 1);
  const summaries = await api.get<ItemsPage<Record<string, unknown>>>('/requests?view=summary&limit=1');
  assert.equal(summaries.body.total, 2);
  assert.equal(summaries.body.items.length, 1);
  assert.deepEqual(Object.keys(summaries.body.items[0] ?? {}).sort(), [
    'answeredBy',
    'at',
    'durationMs',
    'id',
    'method',
    'path',
    'query',
    'refusal',
    'remoteAddress',
    'status',
  ]);
  const single = await api.get<RequestLogEntry>(`/requests/${put.id}`);
  assert.equal(single.body.path, '/users/me/preferences');
  assert.equal((await api.delete('/requests')).status, 204);
  assert.equal((await api.get<ItemsPage<RequestLogEntry>>('/requests')).body.total, 0);
});

test('pause holds outgoing frames until resumed; latency delays each frame, order kept', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const client = await AguiSocket.open(server.wsUrl);
  const [connection] = (await api.get<ItemsPage<ConnectionSummary>>('/connections')).body.items;
  assert.ok(connection);
  const paused = await api.patch<ConnectionSummary>(`/connections/${connection.id}`, { paused: true });
  assert.equal(paused.body.paused, true);
  client.ask('hallo');
  // At speed 0 the whole run is played, and held, once the engine has the message.
  await eventually(
    async () => (await api.get<ConnectionSummary>(`/connections/${connection.id}`)).body.heldFrames > 0,
    'the run to be held',
  );
  assert.equal(client.events.length, 0, 'nothing delivered while paused');
  await api.patch(`/connections/${connection.id}`, { paused: false });
  await client.waitForRuns(1);
  assert.equal(client.events[0]?.type, 'RUN_STARTED', 'order kept');

  await api.patch(`/connections/${connection.id}`, { latencyMs: 200 });
  const sentAt = performance.now();
  const before = client.events.length;
  client.ask('nog een keer');
  await client.waitFor((event) => event.type === 'RUN_STARTED', before);
  assert.ok(performance.now() - sentAt >= 190, 'the first frame came after the added latency');
  await client.waitForRuns(2);
  assert.equal((await api.patch(`/connections/${connection.id}`, { latencyMs: -5 })).status, 422);
  assert.equal((await api.patch(`/connections/${connection.id}`, {})).status, 422);
  await client.close();
});

test("the console's files: every not-found (hidden, traversal, folders, missing, undecodable) is JSON 404", async () => {
  const rendererDir = await mkdtemp(join(tmpdir(), 'agui-console-'));
  after(() => rm(rendererDir, { recursive: true, force: true }));
  await mkdir(join(rendererDir, 'assets'));
  await mkdir(join(rendererDir, '.git'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>console</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(rendererDir, '.hidden'), 'secret');
  await writeFile(join(rendererDir, '.git', 'config'), 'secret');
  const server = await startTestEngine({ rendererDir });
  const index = await fetch(`${server.url}/__console/`);
  assert.equal(index.status, 200);
  assert.match(await index.text(), /<title>console<\/title>/);
  assert.equal((await fetch(`${server.url}/__console/assets/app.js`)).status, 200);
  for (const path of [
    '/__console/.hidden',
    '/__console/.git/config',
    '/__console/assets/.hidden',
    '/__console/assets',
    '/__console/assets/',
    '/__console/missing.js',
    '/__console/%2e%2e/package.json',
    '/__console/..%2f..%2fetc/passwd',
    '/__console/%E0%A4%A',
    '/__console/a%00b',
    `/__console/${'x'.repeat(300)}`,
  ]) {
    const response = await rawHttp(server.port, [
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    ]);
    assert.equal(response.status, 404, path);
    assert.match(response.headers['content-type'] ?? '', /^application\/json/, path);
    assert.deepEqual(JSON.parse(response.body), { detail: 'Not Found' }, path);
  }
});

test('a request id is a positive decimal integer: anything else is a 422, not another request or a 404', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  for (const id of ['0x1', '1e0', 'abc', '-1', '0']) {
    const answer = await api.get<{ detail: { loc: unknown[] }[] }>(`/requests/${id}`);
    assert.equal(answer.status, 422, id);
    assert.deepEqual(answer.body.detail[0]?.loc, ['path', 'id'], id);
  }
  assert.equal((await api.get('/requests/99999')).status, 404);
  const cleared = await api.delete<{ detail: { msg: string }[] }>('/connections?state=open');
  assert.equal(cleared.status, 422);
  assert.match(String(cleared.body.detail[0]?.msg), /Input should be 'closed': only closed connections can be cleared/);
  // A limit's own words follow pydantic's too.
  const interim = await api.post<{ detail: { msg: string }[] }>('/routes', {
    id: 'interim',
    path: '/interim',
    responses: [{ id: 'a', status: 101 }],
  });
  assert.equal(interim.status, 422);
  assert.match(
    String(interim.body.detail[0]?.msg),
    /^Input should be greater than or equal to 200: .*1xx statuses are interim/,
  );
});

test('GET /requests?path= is the exact path; pathPrefix= asks for every path starting with it', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const created = await api.post('/collections', { id: 'todos', path: '/api/todos', records: [{ id: 1, title: 'a' }] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const json = { 'content-type': 'application/json' };
  await (await fetch(`${server.url}/api/todos`, { method: 'POST', headers: json, body: '{"title":"b"}' })).text();
  await (
    await fetch(`${server.url}/api/todos/1?x=1`, { method: 'PATCH', headers: json, body: '{"title":"c"}' })
  ).text();
  await (await fetch(`${server.url}/api/todosx`)).text();
  await (await fetch(`${server.url}/other`)).text();
  await eventually(
    async () => (await api.get<ItemsPage<RequestLogEntry>>('/requests')).body.total === 4,
    'the four requests to be logged',
  );
  const listed = async (query: string) =>
    (await api.get<ItemsPage<RequestLogEntry>>(`/requests?view=summary&${query}`)).body.items.map(
      (entry) => `${entry.method} ${entry.path}`,
    );
  assert.deepEqual(await listed('path=/api/todos'), ['POST /api/todos']);
  assert.deepEqual(await listed('path=/api/todos/1'), ['PATCH /api/todos/1'], 'the query is not part of the path');
  assert.deepEqual(await listed('path=/api/todo'), []);
  assert.deepEqual(await listed('pathPrefix=/api/todos'), ['GET /api/todosx', 'PATCH /api/todos/1', 'POST /api/todos']);
  assert.deepEqual(await listed('pathPrefix=/api/todos/'), ['PATCH /api/todos/1']);
  assert.deepEqual(await listed('pathPrefix=/api/todos&method=get'), ['GET /api/todosx']);
  assert.equal((await listed('path=')).length, 4, 'an empty path filters nothing');
});
