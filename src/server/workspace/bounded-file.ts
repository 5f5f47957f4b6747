import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { fileKind } from '../support/file-kind';

/** Why a file was not read: not a regular file (a folder, pipe, device or socket), or more bytes than allowed. */
export type FileRefusal = { refused: 'not regular'; what: string } | { refused: 'too large'; maxBytes: number };

/**
 * Never waits for a FIFO's writer (nor a device's carrier), never makes a terminal ours; no effect on a regular
 * file. Windows has neither flag.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
const CHUNK_BYTES = 1024 * 1024;

/**
 * The bytes of `path` (links followed) when it is a regular file of at most `maxBytes` bytes; a refusal otherwise,
 * decided without ever blocking: opened non-blocking, checked through the handle itself (so what is read is what was
 * checked), and read no further than one byte past the cap (a file that grows while it is read is caught too).
 * File system errors (ENOENT, EACCES…) are thrown as they are.
 */
export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer | FileRefusal> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    return refusalOfOpenError(error);
  }
  try {
    const refusal = refusalOfStats(await handle.stat(), maxBytes);
    if (refusal) return refusal;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(CHUNK_BYTES, maxBytes + 1 - total);
      const { buffer, bytesRead } = await handle.read(Buffer.allocUnsafe(want), 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === want ? buffer : buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) return { refused: 'too large', maxBytes };
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * `readRegularFile` for a caller that cannot wait (a synchronous API), with the same refusals and the same bound
 * on what is read. It takes room for the whole cap at once: meant for small caps (a certificate's).
 */
export function readRegularFileSync(path: string, maxBytes: number): Buffer | FileRefusal {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    return refusalOfOpenError(error);
  }
  try {
    const refusal = refusalOfStats(fstatSync(fd), maxBytes);
    if (refusal) return refusal;
    const room = Buffer.allocUnsafe(maxBytes + 1);
    let total = 0;
    for (let got = -1; got !== 0 && total <= maxBytes; total += got) {
      got = readSync(fd, room, total, maxBytes + 1 - total, null);
    }
    return total > maxBytes ? { refused: 'too large', maxBytes } : room.subarray(0, total);
  } finally {
    closeSync(fd);
  }
}

/** The refusal an error opening a file means; any other error is thrown as it is. */
function refusalOfOpenError(error: unknown): FileRefusal {
  const code = (error as NodeJS.ErrnoException).code;
  // ENXIO: a socket (or a device without its hardware); EISDIR: a folder, on Windows.
  if (code === 'ENXIO') return { refused: 'not regular', what: 'a socket or device' };
  if (code === 'EISDIR') return { refused: 'not regular', what: 'a folder' };
  throw error;
}

/** Why an opened file is not read, by its own stat: not a regular file, or larger than allowed. */
function refusalOfStats(stats: Stats, maxBytes: number): FileRefusal | undefined {
  if (!stats.isFile()) return { refused: 'not regular', what: fileKind(stats) };
  if (stats.size > maxBytes) return { refused: 'too large', maxBytes };
  return undefined;
}

/** A size near the workspace limit to a tenth of a mebibyte (`66.2 MiB`). */
export function describeMegabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** `64 MiB` for whole mebibytes (the limits are), else the bytes. */
export function describeBytes(bytes: number): string {
  const mib = bytes / 1024 / 1024;
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes} bytes`;
}

/**
 * Bytes as UTF-8 text, refusing what is not UTF-8 (rather than reading it as U+FFFD): the text, or the byte offset
 * where the first invalid sequence starts. A leading byte order mark is kept in the text (it is part of the bytes).
 */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { invalidAt: number } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { invalidAt: Math.max(0, invalidUtf8Offset(bytes)) };
  }
}

/** Where the first byte sequence that is not UTF-8 starts (Unicode's well-formed table), or -1 when all are. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let follow: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) follow = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      follow = 2;
      if (lead === 0xe0) low = 0xa0; // no overlong forms
      if (lead === 0xed) high = 0x9f; // no surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      follow = 3;
      if (lead === 0xf0) low = 0x90; // no overlong forms
      if (lead === 0xf4) high = 0x8f; // nothing past U+10FFFF
    } else return i;
    for (let k = 1; k <= follow; k++) {
      const byte = bytes[i + k];
      if (byte === undefined || byte < low || byte > high) return i;
      low = 0x80;
      high = 0xbf;
    }
    i += follow + 1;
  }
  return -1;
}
