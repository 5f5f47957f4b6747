import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import { SocketServer } from '../src/server/ws/socket-server';
import { startTestEngine } from './helpers/engine';
import { rawHttp } from './helpers/raw-http';
import { eventually, WAIT_MS } from './helpers/wait';

function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
}

function closed(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

test('an upgrade on an unknown path gets a raw 404 and the socket is closed', async () => {
  const server = await startTestEngine();
  const response = await rawHttp(server.port, [
    'GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  ]);
  assert.equal(response.status, 404);
  assert.deepEqual(JSON.parse(response.body), { detail: 'Not Found' });

  const client = new WebSocket(`ws://127.0.0.1:${server.port}/nope`);
  const status = await new Promise<number>((resolve) =>
    client.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
  );
  assert.equal(status, 404);
});

test('an oversize frame closes the socket with 1009 and the process stays alive', async () => {
  const server = await startTestEngine({ settings: { maxPayloadBytes: 4096 } });
  const client = new WebSocket(server.wsUrl);
  client.on('error', () => {});
  await opened(client);
  const done = closed(client);
  client.send('x'.repeat(10_000));
  assert.equal((await done).code, 1009);
  const health = await fetch(`${server.url}/health`);
  assert.equal(health.status, 200);
  // The limit changes for sockets opened afterwards.
  server.updateSettings({ maxPayloadBytes: 64 * 1024 });
  const second = new WebSocket(server.wsUrl);
  await opened(second);
  second.send(JSON.stringify({ pad: 'x'.repeat(10_000) }));
  const reply = await new Promise<string>((resolve) => second.once('message', (data) => resolve(data.toString())));
  assert.equal(JSON.parse(reply).type, 'CUSTOM', 'the bigger frame was read and answered');
  second.close();
});

// Heartbeat tests wait for what happens (a close, a number of pings), never for a number of intervals; the bound is
// the suite's generous one, so a heartbeat that never acts still fails.
test('the heartbeat terminates a peer that does not answer pings', { timeout: WAIT_MS }, async () => {
  const server = await startTestEngine({ settings: { heartbeatIntervalMs: 50 } });
  const silent = new WebSocket(server.wsUrl, { autoPong: false });
  let pings = 0;
  silent.on('ping', () => pings++);
  const terminated = closed(silent);
  await opened(silent);
  const { code } = await terminated;
  assert.equal(code, 1006, 'terminated without a closing handshake');
  assert.ok(pings >= 1, 'it was pinged first');
});

test('a peer that answers pings stays connected', { timeout: WAIT_MS }, async () => {
  // Long enough that the engine reads each answer before its next beat even when this process is starved of CPU
  // for a while (client and engine share one event loop here); a peer that never answers goes after two beats.
  const server = await startTestEngine({ settings: { heartbeatIntervalMs: 1000 } });
  const healthy = new WebSocket(server.wsUrl);
  const silent = new WebSocket(server.wsUrl, { autoPong: false });
  let pings = 0;
  const pinged = new Promise<void>((resolve) =>
    healthy.on('ping', () => {
      if (++pings === 3) resolve();
    }),
  );
  const silentClosed = closed(silent);
  await Promise.all([opened(healthy), opened(silent)]);
  // A second ping comes only if the first was answered in time: the beat before it would have terminated instead.
  await pinged;
  assert.equal((await silentClosed).code, 1006, 'the silent peer, in the same beats, was terminated');
  assert.equal(healthy.readyState, WebSocket.OPEN, 'the peer that answers is still connected');
  healthy.close();
});

test('heartbeat 0 disables pings', async () => {
  const server = await startTestEngine({ settings: { heartbeatIntervalMs: 0 } });
  const silent = new WebSocket(server.wsUrl, { autoPong: false });
  await opened(silent);
  let pinged = false;
  silent.on('ping', () => {
    pinged = true;
  });
  // A negative check has no event to wait for: 300 ms is several beats at the intervals the tests above use.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(pinged, false);
  assert.equal(silent.readyState, WebSocket.OPEN);
  silent.close();
});

test('the registry sees a socket open, exchange frames and close', async () => {
  const server = await startTestEngine();
  const events: string[] = [];
  server.context.registry.subscribe((event) => events.push(event.type));
  const client = new WebSocket(server.wsUrl, { headers: { 'user-agent': 'registry-test' } });
  await opened(client);
  const [connection] = [...server.context.registry.openConnections()];
  assert.ok(connection);
  assert.equal(connection.path, '/ws');
  assert.equal(connection.userAgent, 'registry-test');
  assert.equal(connection.remoteAddress, '127.0.0.1');
  client.send('not json');
  await new Promise((resolve) => client.once('message', resolve));
  const done = closed(client);
  client.close(1000, 'bye');
  await done;
  await eventually(() => connection.state === 'closed', 'the registry to see the close');
  assert.equal(connection.closeCode, 1000);
  assert.equal(connection.counters.framesIn, 1);
  assert.equal(connection.counters.framesOut, 1);
  assert.deepEqual(
    connection.frames.toArray().map((frame) => frame.direction),
    ['in', 'out'],
  );
  assert.deepEqual(
    events.filter((type) => type !== 'frame'),
    ['opened', 'closed'],
  );
  assert.equal(server.context.registry.get(connection.id), connection, 'closed connections stay listed');
});

test("an endpoint's bug is logged and answered (500 or close 1011), never an uncaught exception", async () => {
  const server = createServer();
  const logged: string[] = [];
  const sockets = new SocketServer(server, {
    maxPayloadBytes: 1024,
    heartbeatIntervalMs: 0,
    logger: { info: () => {}, warn: () => {}, error: (message) => logged.push(message) },
  });
  sockets.register({
    path: '/refuse-throws',
    refuse: () => {
      throw new Error('bug in refuse');
    },
    accept: () => {},
  });
  sockets.register({
    path: '/accept-throws',
    accept: () => {
      throw new Error('bug in accept');
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(async () => {
    await sockets.close();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', record);
  after(() => process.off('uncaughtException', record));

  const refused = new WebSocket(`ws://127.0.0.1:${port}/refuse-throws`);
  refused.on('error', () => {});
  const status = await new Promise<number>((resolve) =>
    refused.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)),
  );
  assert.equal(status, 500);
  const accepted = new WebSocket(`ws://127.0.0.1:${port}/accept-throws`);
  accepted.on('error', () => {});
  assert.equal((await closed(accepted)).code, 1011);
  assert.deepEqual(logged, [
    'WebSocket /refuse-throws: checking an upgrade failed',
    'WebSocket /accept-throws: accepting a socket failed',
  ]);
  assert.deepEqual(uncaught, []);
});
