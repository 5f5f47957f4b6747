import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openTcp, type TcpClient } from './tcp-client';
import { eventually } from './wait';

/**
 * A WebSocket client written by hand over raw TCP, for what a library client will not do: answer a close with
 * another code, never answer it, or keep sending after it.
 */

/** A client → server frame: masked, as clients must (payloads under 64 KiB). */
export function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] as number)));
  const length = payload.length;
  const head =
    length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff]);
  return Buffer.concat([head, mask, masked]);
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
