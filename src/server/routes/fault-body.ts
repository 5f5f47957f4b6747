import type { FileHandle } from 'node:fs/promises';
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
  /** Lets go of what it holds (a file's descriptor) once nothing more will be read; errors are nobody's concern. */
  release(): void;
}

export function bufferFaultBody(bytes: Buffer): FaultBody {
  return { length: bytes.length, read: (start, end) => Readable.from([bytes.subarray(start, end)]), release() {} };
}

/**
 * The file opened as `handle` (the one checked, as large as `size` then), read through that descriptor for as long
 * as the fault plays: by name, a later piece could be another file's, renamed over it meanwhile.
 */
export function fileFaultBody(handle: FileHandle, size: number): FaultBody {
  return {
    length: size,
    read: (start, end) => handle.createReadStream({ start, end: end - 1, autoClose: false }),
    release: () => void handle.close().catch(() => {}),
  };
}

/** The first `count` bytes of `body` (fewer if it has fewer), in one buffer. */
export async function firstBytes(body: FaultBody, count: number): Promise<Buffer> {
  const end = Math.min(count, body.length);
  if (end <= 0) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of body.read(0, end)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
