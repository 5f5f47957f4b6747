import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openTcp, type TcpClient } from './tcp-client';
import { eventually } from './wait';

/**
 * A WebSocket client written by hand over raw TCP, for what a library client will not do: answer a close with
 * another code, never answer it, or keep sending after it.
 */

/** A frame as it goes on the wire, every header bit the caller's: for frames a well-behaved client never sends. */
export interface WireFrame {
  opcode: number;
  payload: Buffer;
  /** Default true. */
  fin?: boolean;
  /** RSV1–3 as the header's bits 0x40, 0x20, 0x10 (default 0). */
  rsv?: number;
  /** Default true: clients must mask. */
  masked?: boolean;
  /** The length the header claims (default the payload's), written in the shortest form that holds it. */
  declaredLength?: bigint;
}

/** The bytes of `frame`: its header (7-, 16- or 64-bit length), its mask, its payload (masked when it is). */
export function wireFrame({ opcode, payload, fin = true, rsv = 0, masked = true, declaredLength }: WireFrame): Buffer {
  const length = declaredLength ?? BigInt(payload.length);
  const first = (fin ? 0x80 : 0) | rsv | opcode;
  const maskBit = masked ? 0x80 : 0;
  let head: Buffer;
  if (length < 126n) head = Buffer.from([first, maskBit | Number(length)]);
  else if (length < 0x10000n) {
    head = Buffer.from([first, maskBit | 126, 0, 0]);
    head.writeUInt16BE(Number(length), 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = first;
    head[1] = maskBit | 127;
    head.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([head, payload]);
  const mask = randomBytes(4);
  return Buffer.concat([head, mask, Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] as number)))]);
}

/** A client → server frame: masked, as clients must. */
export function clientFrame(opcode: number, payload: Buffer): Buffer {
  return wireFrame({ opcode, payload });
}

/** A client's close frame: the code, then the reason. */
export function clientCloseFrame(code: number, reason: string): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return clientFrame(0x8, payload);
}

/** A WebSocket on `path`, past its 101: what it writes and reads is the test's, frame by frame. */
export async function openTcpWebSocket(
  port: number,
  path: string,
  options?: Parameters<typeof openTcp>[1],
): Promise<TcpClient> {
  const client = await openTcp(port, options);
  client.socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  await eventually(() => client.received.includes('\r\n\r\n'), `the handshake's answer on ${path}`);
  assert.match(client.received, /^HTTP\/1\.1 101 /);
  return client;
}

/** The close frame the server sent (unmasked, as servers send), once it has: its code and reason. */
export function serverClose(client: TcpClient): { code: number; reason: string } | undefined {
  const received = client.received;
  let bytes = Buffer.from(received.slice(received.indexOf('\r\n\r\n') + 4), 'latin1');
  while (bytes.length >= 2) {
    const opcode = (bytes[0] as number) & 0x0f;
    let length = (bytes[1] as number) & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (bytes.length < 4) return undefined;
      length = bytes.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (bytes.length < 10) return undefined;
      length = Number(bytes.readBigUInt64BE(2));
      offset = 10;
    }
    if (bytes.length < offset + length) return undefined;
    const payload = bytes.subarray(offset, offset + length);
    if (opcode === 0x8) return { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString('utf8') };
    bytes = bytes.subarray(offset + length);
  }
  return undefined;
}
