import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import WebSocket from 'ws';
import { CONSOLE_RESERVE } from '../src/server/http/connection-limit';
import type { MockServer } from '../src/server/index';
import { CONTROL_API_PREFIX, LIVE_FEED_PATH, type ServerInfo } from '../src/shared/control-api';
import { httpsGet } from './helpers/certificates';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { rawHttp } from './helpers/raw-http';
import { eventually } from './helpers/wait';

// The engine holds at most `maxConnections` client connections: one more is answered 503 (the console's requests
// excepted, on a reserve of its own) and past the reserve Node closes it on arrival. Idle holders must outlive the
// test, so the header timeout is the longest allowed.
const MAX = 10;
const SETTINGS = { maxConnections: MAX, headersTimeoutMs: 600_000, requestTimeoutMs: 3_600_000 };

/** Raw TCP connections that send nothing and stay open until the test closes them. */
async function holdConnections(port: number, count: number): Promise<Socket[]> {
  const sockets = Array.from({ length: count }, () => connect(port, '127.0.0.1').on('error', () => {}));
  after(() => {
    for (const socket of sockets) socket.destroy();
  });
  await Promise.all(sockets.map((socket) => new Promise((resolve) => socket.once('connect', resolve))));
  return sockets;
}

/** `GET /server` on a connection of its own, closed after it. */
async function serverInfo(server: MockServer): Promise<ServerInfo> {
  const answer = await rawHttp(server.port, [
    `GET ${CONTROL_API_PREFIX}/server HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${server.token}\r\nConnection: close\r\n\r\n`,
  ]);
  assert.equal(answer.status, 200, answer.body);
  return JSON.parse(answer.body) as ServerInfo;
}

const getHealth = (port: number) =>
  rawHttp(port, [`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`]);

test('past maxConnections a request gets 503 saying which setting, the console is still served, and the bound lifts as connections close', async () => {
  const warnings: string[] = [];
  const server = await startTestEngine({
    settings: SETTINGS,
    logger: { info: () => {}, warn: (message) => warnings.push(message), error: () => {} },
  });
  // A catch-all socket: its path takes /__console/… too, but not over the limit (below).
  const catchAll = await controlClient(server).post('/sockets', {
    id: 'all',
    path: '/{*path}',
    behaviour: { type: 'echo' },
  });
  assert.equal(catchAll.status, 201, JSON.stringify(catchAll.body));
  const holders = await holdConnections(server.port, MAX);
  // The console's request is one more: it is served on the reserve.
  await eventually(async () => (await serverInfo(server)).connectionLimit.open > MAX, 'the holders counted');

  const refused = await getHealth(server.port);
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.connection, 'close');
  assert.match(JSON.parse(refused.body).detail, /holds 10 connections, the most its maxConnections setting allows/);

  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
  const upgrade = await new Promise<number>((resolve, reject) => {
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('open', () => reject(new Error('the upgrade was taken over the limit')));
    socket.once('error', () => {});
  });
  assert.equal(upgrade, 503);
  // Over the limit the console's own socket is served, and only it: a mocked socket is no more reached through a
  // path under /__console (a catch-all's, or one with dot segments) than through its own.
  const upgradeTo = (target: string) =>
    rawHttp(server.port, [
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    ]);
  for (const target of ['/__console/../ws', '/__console/anything'])
    assert.equal((await upgradeTo(target)).status, 503, `${target} is not taken over the limit`);
  const feed = new WebSocket(`ws://127.0.0.1:${server.port}${LIVE_FEED_PATH}`);
  await new Promise((resolve, reject) => {
    feed.once('open', resolve);
    feed.once('unexpected-response', (_request, response) => reject(new Error(`live feed: ${response.statusCode}`)));
  });
  feed.terminate();

  const info = await serverInfo(server);
  assert.equal(info.connectionLimit.max, MAX);
  assert.ok(info.connectionLimit.refused >= 2, JSON.stringify(info.connectionLimit));
  // Summed up, at most every 10 s: the first refusal says so at once, the upgrade's adds no line of its own.
  assert.match(
    warnings.join('\n'),
    /^refused 1 connection: the engine holds \d+ connections, past its maxConnections setting \(10\)$/m,
  );
  assert.deepEqual(
    warnings.filter((warning) => warning.startsWith('WebSocket upgrade')),
    [],
  );

  for (const holder of holders) holder.destroy();
  await eventually(async () => (await getHealth(server.port)).status === 200, '/health served again');
});

test('past the console reserve a connection is closed on arrival and counted; a raised limit applies to the next one', async () => {
  const server = await startTestEngine({ settings: SETTINGS });
  await holdConnections(server.port, MAX + CONSOLE_RESERVE);
  await eventually(async () => {
    const extra = connect(server.port, '127.0.0.1').on('error', () => {});
    // Closed by the server without a byte: the connection never reached HTTP.
    const closedBy = await new Promise<string>((resolve) => {
      extra.once('close', () => resolve('server'));
      extra.once('data', () => resolve('data'));
      setTimeout(() => resolve('still open'), 1000).unref();
    });
    extra.destroy();
    return closedBy === 'server';
  }, 'a connection past the reserve closed on arrival');

  // The holders fill the reserve too, so the console's request below is refused on arrival until the limit rises.
  await server.updateSettings({ maxConnections: MAX + 2 * CONSOLE_RESERVE });
  const info = await serverInfo(server);
  assert.equal(info.connectionLimit.max, MAX + 2 * CONSOLE_RESERVE);
  assert.ok(info.connectionLimit.refused >= 1, JSON.stringify(info.connectionLimit));
  assert.equal((await getHealth(server.port)).status, 200);
});

test('over HTTPS the connection the request arrived on is judged after its handshake, the console still served', async () => {
  const configDir = mkdtempSync(join(tmpdir(), 'agui-limit-tls-'));
  after(() => rmSync(configDir, { recursive: true, force: true }));
  const server = await startTestEngine({
    settings: { ...SETTINGS, tls: 'self-signed' },
    workspaceOptions: { configDir },
  });
  const holders = Array.from({ length: MAX }, () =>
    tlsConnect({ port: server.port, host: '127.0.0.1', rejectUnauthorized: false }).on('error', () => {}),
  );
  after(() => {
    for (const holder of holders) holder.destroy();
  });
  await Promise.all(holders.map((holder) => new Promise((resolve) => holder.once('secureConnect', resolve))));
  assert.ok(server.tls, 'the engine serves HTTPS');
  const ca = readFileSync(server.tls.certFile, 'utf8');
  const health = await httpsGet(`https://localhost:${server.port}/health`, ca, { connection: 'close' });
  assert.equal(health.status, 503);
  assert.match(JSON.parse(health.body).detail, /maxConnections/);
  const console = await httpsGet(`https://localhost:${server.port}${CONTROL_API_PREFIX}/server`, ca, {
    authorization: `Bearer ${server.token}`,
    connection: 'close',
  });
  assert.equal(console.status, 200);
  assert.equal((JSON.parse(console.body) as ServerInfo).connectionLimit.max, MAX);
});
