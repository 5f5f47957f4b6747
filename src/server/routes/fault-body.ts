import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

/**
 * The body a fault plays, read as it is played: a route's file is never read whole into memory (a file of a few
 * gigabytes would be refused by Node past 2 GiB, and take that much memory per request below it).
 */
export interface FaultBody {
  /** Its size in bytes: what `Content-Length` says. */
  readonly length: number;
  /** Its bytes from `start` up to (not including) `end`, `start < end <= length`. */
  read(start: number, end: number): Readable;
}

export function bufferFaultBody(bytes: Buffer): FaultBody {
  return { length: bytes.length, read: (start, end) => Readable.from([bytes.subarray(start, end)]) };
}

/** The file at `path`, as large as `size` (its size when it was checked). */
export function fileFaultBody(path: string, size: number): FaultBody {
  return { length: size, read: (start, end) => createReadStream(path, { start, end: end - 1 }) };
}

/** The first `count` bytes of `body` (fewer if it has fewer), in one buffer. */
export async function firstBytes(body: FaultBody, count: number): Promise<Buffer> {
  const end = Math.min(count, body.length);
  if (end <= 0) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of body.read(0, end)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
