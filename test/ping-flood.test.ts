import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import WebSocket from 'ws';
import { LIVE_FEED_PATH } from '../src/shared/control-api';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { clientFrame } from './helpers/tcp-websocket';
import { eventually } from './helpers/wait';

// ws drops a socket with 60 pongs unwritten as a ping flood (a bare 1006); the engine turns that count off and bounds
// what a client leaves unread instead, pongs included, as it bounds every frame: a burst of pings from a client that
// reads its pongs is answered in full, one that does not read them is closed 1008 with a reason.

const server = await startTestEngine();
const control = controlClient(server);

const PING_PAYLOAD = 125;
/**
 * Pings a flooding client sends: about 79 MB, past the 4 MiB bound plus all loopback's buffers may hold (the client's
 * receive buffer grows up to `tcp_rmem`'s maximum, 32 MiB here, the engine's send buffer up to `tcp_wmem`'s), and
 * few enough that the engine has read them all within seconds of closing: ws keeps a closed socket 30 s for the
 * client's close frame, then drops it with what it still held.
 */
const FLOOD_PINGS = 600_000;

/** A raw WebSocket on `path` that reads nothing after the handshake until told to. */
async function upgradedSocket(path: string): Promise<{ socket: Socket; rest: Buffer }> {
  const socket = connect(server.port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  let head = Buffer.alloc(0);
  while (!head.includes('\r\n\r\n')) {
    const chunk: Buffer = await new Promise((resolve) => socket.once('data', resolve));
    head = Buffer.concat([head, chunk]);
  }
  socket.pause();
  const end = head.indexOf('\r\n\r\n') + 4;
  assert.match(head.subarray(0, end).toString('latin1'), /^HTTP\/1\.1 101 /);
  return { socket, rest: head.subarray(end) };
}

/** Writes `FLOOD_PINGS` pings without reading; resolves once the engine has read them all (or dropped the socket). */
async function flood(socket: Socket): Promise<void> {
  const ping = clientFrame(0x9, Buffer.alloc(PING_PAYLOAD, 7));
  const chunk = Buffer.concat(Array.from({ length: 1000 }, () => ping));
  const gone = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  for (let sent = 0; sent < FLOOD_PINGS && !socket.destroyed; sent += 1000) {
    if (!socket.write(chunk)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), gone]);
  }
  await Promise.race([new Promise((resolve) => socket.write(Buffer.alloc(0), resolve)), gone]);
}

/** Reads the server's frames from `start` on until its close frame: its code and reason, and the pongs before it. */
async function readUntilClose(socket: Socket, start: Buffer): Promise<{ code: number; reason: string; pongs: number }> {
  let buffered = start;
  let pongs = 0;
  const chunks: Buffer[] = [];
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    wake?.();
  });
  let gone = socket.closed;
  socket.once('close', () => {
    gone = true;
    wake?.();
  });
  socket.resume();
  for (;;) {
    while (buffered.length >= 2) {
      const opcode = (buffered[0] as number) & 0x0f;
      let length = (buffered[1] as number) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffered.length < 4) break;
        length = buffered.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffered.length < 10) break;
        length = Number(buffered.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffered.length < offset + length) break;
      const payload = buffered.subarray(offset, offset + length);
      buffered = buffered.subarray(offset + length);
      if (opcode === 0xa) pongs++;
      if (opcode === 0x8) return { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString('utf8'), pongs };
    }
    if (chunks.length === 0 && gone) throw new Error(`the socket ended without a close frame, after ${pongs} pongs`);
    if (chunks.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    buffered = Buffer.concat([buffered, ...chunks.splice(0)]);
  }
}

test('a burst of pings from a client that reads its pongs is answered in full, and the socket stays open', async () => {
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const burst = 2000;
  let pongs = 0;
  let closedWith: number | undefined;
  // Every pong, or the close that came instead.
  await new Promise<void>((resolve) => {
    socket.on('pong', () => {
      if (++pongs === burst) resolve();
    });
    socket.once('close', (code) => {
      closedWith = code;
      resolve();
    });
    for (let i = 0; i < burst; i++) socket.ping(Buffer.alloc(PING_PAYLOAD));
  });
  assert.equal(closedWith, undefined, `closed ${closedWith} after ${pongs} pongs`);
  assert.equal(pongs, burst);
  assert.equal(socket.readyState, WebSocket.OPEN);
  socket.close();
});

test('a client that pings without reading the pongs is closed 1008 as a client too slow, with its reason', async () => {
  const { socket, rest } = await upgradedSocket('/ws');
  await flood(socket);
  type Listed = { closeCode: number | null; closeReason: string; lastError: { message: string } | null };
  const listed = async () => (await control.get<{ items: Listed[] }>('/connections?path=/ws')).body.items;
  // Closed by the engine at once (its close frame waits behind the pongs the client has not read).
  await eventually(
    async () => (await listed()).some((item) => item.lastError?.message.startsWith('Client too slow: over 4 MiB')),
    'the flooding connection closed for its backlog',
  );
  const close = await readUntilClose(socket, rest);
  assert.equal(close.code, 1008);
  assert.match(close.reason, /^Client too slow: over 4 MiB of frames waiting to be sent/);
  // Pongs went out up to the bound, then the close: not one per ping of the flood.
  assert.ok(close.pongs > 0 && close.pongs < FLOOD_PINGS, `${close.pongs} pongs before the close`);
  socket.destroy();
  // The client never answered the close: the connection is recorded as the engine closed it.
  await eventually(
    async () => (await listed()).some((item) => item.closeCode === 1008 && item.closeReason === close.reason),
    'the connection listed as closed 1008 with its reason',
  );
});

test("the console's live feed closes a client that pings without reading the pongs, before or after its auth", async () => {
  const { socket, rest } = await upgradedSocket(LIVE_FEED_PATH);
  socket.write(clientFrame(0x1, Buffer.from(JSON.stringify({ type: 'auth', token: server.token }))));
  await flood(socket);
  const close = await readUntilClose(socket, rest);
  assert.equal(close.code, 1008);
  assert.equal(close.reason, 'Policy violation: pings sent faster than their pongs are read');
  socket.destroy();
});
