import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, test } from 'node:test';
import * as wsLibrary from 'ws';
import WebSocket, { WebSocketServer } from 'ws';
import type { ConnectionTransport } from '../src/server/ws/connection';
import { webSocketTransport } from '../src/server/ws/connection';
import { writeTextFrameHeader } from '../src/server/ws/text-frame-batch';

/** A socket on the server's side (with the stream under it, its writes counted) and a client connected to it. */
interface Pair {
  server: WebSocket;
  stream: Duplex;
  transport: ConnectionTransport;
  client: WebSocket;
  /** Texts the client received, in order. */
  received: string[];
  /** Calls of the server stream's `write` since the socket opened. */
  writes: () => number;
  /** The first byte of each write: 0x81 starts a whole text message, 0x88 a close frame. */
  firstBytes: number[];
  /** Each buffer handed to the stream, in order. */
  written: Buffer[];
}

const servers: Server[] = [];
const clients: WebSocket[] = [];
after(() => {
  for (const client of clients) client.terminate();
  for (const server of servers) server.close();
});

async function pair(): Promise<Pair> {
  const http = createServer();
  servers.push(http);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const accepted = new Promise<{ server: WebSocket; stream: Duplex }>((resolve) => {
    http.on('upgrade', (request, stream: Duplex, head) => {
      wss.handleUpgrade(request, stream, head, (server) => resolve({ server, stream }));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
  clients.push(client);
  const received: string[] = [];
  client.on('message', (data) => received.push(data.toString()));
  const { server, stream } = await accepted;
  await new Promise((resolve) => client.once('open', resolve));
  let writes = 0;
  const firstBytes: number[] = [];
  const written: Buffer[] = [];
  const write = stream.write.bind(stream);
  stream.write = ((...args: Parameters<Duplex['write']>) => {
    writes++;
    const [chunk] = args;
    if (Buffer.isBuffer(chunk)) written.push(chunk);
    if (Buffer.isBuffer(chunk) && chunk.length > 0) firstBytes.push(chunk[0] as number);
    return write(...args);
  }) as Duplex['write'];
  server.on('error', () => {});
  return {
    server,
    stream,
    transport: webSocketTransport(server, stream),
    client,
    received,
    writes: () => writes,
    firstBytes,
    written,
  };
}

/** Sends a text as a connection does: with its UTF-8 length. */
function send(transport: ConnectionTransport, text: string): void {
  transport.send(text, Buffer.byteLength(text));
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('messages sent in one go arrive whole and in order, written to the stream once', async () => {
  const { transport, received, writes } = await pair();
  // ASCII, multi-byte UTF-8, and the three length encodings of RFC 6455 (7-bit, 16-bit, 64-bit).
  const texts = [
    ...Array.from({ length: 100 }, (_, index) => JSON.stringify({ type: 'TEXT_MESSAGE_CONTENT', delta: `${index}` })),
    'één — ✓ 🎉',
    'x'.repeat(125),
    'y'.repeat(126),
    'z'.repeat(65_535),
    'w'.repeat(70_000),
    '',
  ];
  for (const text of texts) send(transport, text);
  assert.equal(writes(), 0, 'nothing written before the work of the turn is done');
  assert.ok((transport.bufferedBytes?.() ?? 0) > 140_000, 'what waits counts as buffered');
  await until(() => received.length === texts.length, 'every message');
  assert.deepEqual(received, texts);
  assert.equal(writes(), 1);
});

test('texts a broadcast encoded once are sent from their bytes: a large one written as it is, not copied', async () => {
  const { client, transport, received, written } = await pair();
  const types: boolean[] = [];
  client.on('message', (_data, binary) => types.push(binary));
  const small = Buffer.from('shared, small — é');
  const large = Buffer.from('ünïcode ✓ 🎉 '.repeat(10_000));
  const texts = ['before', small.toString(), large.toString(), 'after'];
  send(transport, 'before');
  transport.send(texts[1] as string, small.length, small);
  transport.send(texts[2] as string, large.length, large);
  send(transport, 'after');
  await until(() => received.length === texts.length, 'every message');
  assert.deepEqual(received, texts);
  assert.deepEqual(types, [false, false, false, false], 'text frames, all of them');
  assert.ok(
    written.some((chunk) => chunk === large),
    'the large text’s own bytes went to the stream (the other receivers’ writes share them)',
  );
  const framed = texts.reduce((sum, text) => {
    const length = Buffer.byteLength(text);
    return sum + writeTextFrameHeader(Buffer.alloc(10), 0, length) + length;
  }, 0);
  assert.equal(
    written.reduce((sum, chunk) => sum + chunk.length, 0),
    framed,
    'each message’s header and text once, nothing more',
  );
});

test('messages sent in separate turns go out in separate writes, at once', async () => {
  const { transport, received, writes } = await pair();
  send(transport, 'first');
  await until(() => received.length === 1, 'the first message');
  send(transport, 'second');
  await until(() => received.length === 2, 'the second message');
  assert.deepEqual(received, ['first', 'second']);
  assert.equal(writes(), 2);
});

test('a close the engine asks for follows the messages sent before it; binary messages keep their place', async () => {
  const { transport, client, received } = await pair();
  send(transport, 'a');
  transport.sendBinary?.(Buffer.from('binary'));
  send(transport, 'b');
  transport.close(4000, 'done');
  const [code, reason] = await new Promise<[number, string]>((resolve) =>
    client.once('close', (closeCode, closeReason) => resolve([closeCode, closeReason.toString()])),
  );
  assert.deepEqual([code, reason], [4000, 'done']);
  assert.deepEqual(received, ['a', 'binary', 'b']);
});

test('once ws has begun closing, what waits is dropped: nothing follows the close frame', async () => {
  const { server, transport, client, received, firstBytes } = await pair();
  send(transport, 'never');
  // ws closing by itself (a protocol error, the engine shutting down) writes its close frame at once.
  server.close(1001, 'going away');
  const code = await new Promise<number>((resolve) => client.once('close', resolve));
  assert.equal(code, 1001);
  assert.deepEqual(received, []);
  assert.equal(firstBytes[0], 0x88, 'the close frame');
  assert.ok(!firstBytes.includes(0x81), 'no text message after it');
  assert.equal(transport.bufferedBytes?.(), server.bufferedAmount);
});

test('a terminated connection drops what waits', async () => {
  const { transport, client, received } = await pair();
  send(transport, 'never');
  transport.terminate();
  const code = await new Promise<number>((resolve) => client.once('close', resolve));
  assert.equal(code, 1006);
  assert.deepEqual(received, []);
});

test("frame headers are ws's own, for every length class (7-, 16- and 64-bit)", () => {
  // ws's encoder (exported as Sender, though its type declarations leave it out).
  const { Sender } = wsLibrary as unknown as {
    Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] };
  };
  const options = { fin: true, opcode: 0x01, mask: false, readOnly: false, rsv1: false };
  for (const length of [0, 1, 125, 126, 127, 1000, 65_535, 65_536, 70_000, 16 * 1024 * 1024]) {
    const [expected] = Sender.frame(Buffer.alloc(length), options);
    const header = Buffer.alloc(10);
    const end = writeTextFrameHeader(header, 0, length);
    assert.deepEqual(header.subarray(0, end), expected, `length ${length}`);
  }
});
