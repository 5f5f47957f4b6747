import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { CLOSED_CONNECTION_BYTES, FRAME_RECORD_BYTES } from '../src/server/support/retention-budget';
import { frameBytes } from '../src/server/ws/frame-log';
import type { ConnectionSummary } from '../src/shared/connections';
import type { ItemsPage, ServerInfo } from '../src/shared/control-api';
import type { SocketMessageResult } from '../src/shared/raw-messages';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { RawSocket } from './helpers/raw-socket';
import { eventually } from './helpers/wait';

// A text sent to many sockets at once (`POST /sockets/:id/messages`, a rules broadcast) is encoded once, and every
// receiver's frame log keeps those same bytes when they are large: the retention budget must count them once.

const MIB = 1024 * 1024;
/** Frame texts over this many UTF-8 bytes are kept as the broadcast encoded them, one buffer for every log. */
const SHARED_OVER = 4096;

const wsUrl = (server: MockServer, path: string) => `${server.url.replace(/^http/, 'ws')}${path}`;

async function addSocket(server: MockServer, definition: Record<string, unknown>): Promise<void> {
  const created = await controlClient(server).post('/sockets', definition);
  assert.equal(created.status, 201, JSON.stringify(created.body));
}

/** Opens `count` clients of `path`, one at a time. */
async function openClients(server: MockServer, path: string, count: number): Promise<RawSocket[]> {
  const clients: RawSocket[] = [];
  for (let index = 0; index < count; index++) clients.push(await RawSocket.open(wsUrl(server, path)));
  return clients;
}

/** Sends `text` to every client of the `feed` socket, and waits for each of `clients` to have it. */
async function broadcast(server: MockServer, text: string, clients: RawSocket[]): Promise<void> {
  const sent = await controlClient(server).post<SocketMessageResult>('/sockets/feed/messages', { text });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  for (const client of clients) await client.waitUntil(() => client.texts.includes(text));
}

/**
 * What the budget should count, worked out from what the engine keeps: each frame's record and (unless large, so
 * shared: every large text here is a broadcast) its text; each large text once, however many logs keep it; each
 * closed connection's record.
 */
function expectedUse(server: MockServer): number {
  const shared = new Set<string>();
  let bytes = 0;
  for (const connection of server.context.registry.list()) {
    if (connection.state === 'closed') bytes += CLOSED_CONNECTION_BYTES;
    for (const frame of connection.frames.toArray()) {
      if (frame.size <= SHARED_OVER) bytes += frameBytes(frame);
      else {
        bytes += frameBytes(frame) - 2 * frame.text.length;
        if (!shared.has(frame.text)) bytes += 2 * frame.text.length;
        shared.add(frame.text);
      }
    }
  }
  return bytes;
}

test('a large text sent to many sockets counts once in the budget: it evicts no history that fits many times over', async () => {
  const server = await startTestEngine({ template: 'blank', settings: { retainedMemoryBytes: 2 * MIB } });
  const api = controlClient(server);
  const retention = async () => (await api.get<ServerInfo>('/server')).body.retention;
  await addSocket(server, { id: 'feed', path: '/feed', behaviour: { type: 'rules' } });
  await addSocket(server, { id: 'quiet', path: '/quiet', behaviour: { type: 'echo' } });
  // Some history: three connections that said a little and left.
  for (const client of await openClients(server, '/quiet', 3)) {
    client.send('hello');
    await client.waitForFrames(1);
    await client.close();
  }
  await eventually(() => server.context.registry.list().length === 3, 'three closed connections');
  const receivers = await openClients(server, '/feed', 20);
  const before = await retention();

  // 128 Ki characters: 256 KiB as the budget counts text, an eighth of it; 20 copies of that count would be 5 MiB.
  const big = 'x'.repeat(128 * 1024);
  await broadcast(server, big, receivers);

  const after = await retention();
  assert.deepEqual(after.evicted, before.evicted, 'nothing was evicted');
  assert.equal(after.usedBytes - before.usedBytes, 20 * FRAME_RECORD_BYTES + 2 * big.length, 'the text counts once');
  const closed = (await api.get<ItemsPage<ConnectionSummary>>('/connections?state=closed')).body.items;
  assert.equal(closed.length, 3, 'the closed connections are still there');
  // What each connection keeps, as it reports it, still has the whole text.
  const open = (await api.get<ItemsPage<ConnectionSummary>>('/connections?state=open')).body.items;
  assert.equal(open.length, 20);
  for (const connection of open) assert.equal(connection.frameLog.retainedBytes, FRAME_RECORD_BYTES + 2 * big.length);
  await Promise.all(receivers.map((client) => client.close()));
});

test('the budget counts a shared text exactly as logs drop it, whichever way, and nothing once no log keeps it', async () => {
  const server = await startTestEngine({
    template: 'blank',
    settings: { retainedMemoryBytes: MIB, frameBufferSize: 20 },
  });
  const api = controlClient(server);
  const { retention } = server.context;
  const check = (when: string) => assert.equal(retention.usedBytes, expectedUse(server), when);
  await addSocket(server, { id: 'feed', path: '/feed', behaviour: { type: 'rules' } });
  const receivers = await openClients(server, '/feed', 25);

  // 22 texts of 16 KiB as the budget counts them, to logs of 20 frames: the two oldest make room for the newest.
  for (let index = 0; index < 22; index++) await broadcast(server, `${index} ${'t'.repeat(8 * 1024)}`, receivers);
  assert.equal(server.context.registry.list()[0]?.summary().frameLog.droppedForSize, 2);
  check('after full logs dropped their oldest frames');

  assert.equal((await api.patch('/server/settings', { frameBufferSize: 10 })).status, 200);
  assert.equal(server.context.registry.list()[0]?.frames.size, 10);
  check('after the logs were cut to 10 frames');

  // Three leave, holding what the others hold too.
  const leaving = receivers.splice(0, 3);
  await Promise.all(leaving.map((client) => client.close()));
  await eventually(() => server.context.registry.openCount === 22, 'three connections closed');
  check('after three connections closed');
  assert.deepEqual((await api.delete('/connections?state=closed')).body, { removed: 3 });
  check('after the closed connections were cleared');

  // 900 KiB as the budget counts it, over the MiB with the rest: the oldest frames of open connections go.
  const evictedBefore = retention.stats().evicted.openConnectionFrames.items;
  await broadcast(server, 'b'.repeat(450 * 1024), receivers);
  assert.ok(retention.stats().evicted.openConnectionFrames.items > evictedBefore, 'frames were evicted');
  assert.ok(retention.usedBytes <= retention.limitBytes, `${retention.usedBytes} within the budget`);
  check('after evicting frames for the budget');
  await broadcast(server, 'a'.repeat(16 * 1024), receivers);
  check('after one more text');

  // The engine closes the other 22: past the 20 closed connections a 1 MiB budget keeps, the oldest go.
  await server.close();
  assert.equal(server.context.registry.list().length, 20);
  check('after the engine closed');
  server.context.registry.removeClosed();
  assert.equal(retention.usedBytes, 0, 'nothing is counted once nothing is kept');
});
