import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { DripHoldings } from './drip-holdings';
import { namesNoFile, type OpenedFile, openAsChecked, UnservableFile } from './servable-file';

/**
 * The body a fault plays, read as it is played: a route's file is never read whole into memory (a file of a few
 * gigabytes would be refused by Node past 2 GiB, and take that much memory per request below it), but for a small one
 * a drip holds (`DRIP_HELD_FILE_MAX_BYTES`).
 */
export interface FaultBody {
  /** Its size in bytes: what `Content-Length` says. */
  readonly length: number;
  /** Its bytes from `start` up to (not including) `end`, `start < end <= length`. */
  read(start: number, end: number): Readable;
  /** Lets go of what it holds (a file's descriptor) once nothing more will be read; errors are nobody's concern. */
  release(): void;
}

/**
 * The largest file a drip reads whole when its response starts: one drip holds it in memory for minutes instead of a
 * descriptor (thousands of drips at once would take every descriptor the engine has). Small, as each drip holds its
 * own copy, and all of them together no more than `DripHoldings` allows.
 */
export const DRIP_HELD_FILE_MAX_BYTES = 64 * 1024;

/**
 * `bytes` as a body of `length` (theirs unless said): a file read whole that turned out shorter than its announced
 * length (it shrank before it was read) ends early, where the file did.
 */
export function bufferFaultBody(bytes: Buffer, length = bytes.length, release = () => {}): FaultBody {
  return {
    length,
    read: (start, end) => Readable.from(start < bytes.length ? [bytes.subarray(start, end)] : []),
    release,
  };
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

/**
 * The opened file as a drip plays it, holding no descriptor between its pieces (its own is let go before this
 * returns): a file up to `DRIP_HELD_FILE_MAX_BYTES` is read whole now, so it drips as it was when its response
 * started, whatever happens to it meanwhile, while `holdings` has room for it (given back on `release`); a larger
 * one, or any once the drips hold all they may (or without `holdings`), is opened again for each piece
 * (`reopenedFileBody`).
 */
export async function dripFileBody(opened: OpenedFile, holdings: DripHoldings | undefined): Promise<FaultBody> {
  const body = fileFaultBody(opened.handle, opened.stats.size);
  try {
    const giveBack = body.length > DRIP_HELD_FILE_MAX_BYTES ? undefined : holdings?.take(body.length);
    if (!giveBack) return reopenedFileBody(opened);
    try {
      return bufferFaultBody(await firstBytes(body, body.length), body.length, giveBack);
    } catch (error) {
      giveBack();
      throw error;
    }
  } finally {
    body.release();
  }
}

/**
 * A file too large to hold, opened again for each piece, by its real path, and read through that descriptor only
 * while the piece is: only the very file first opened (`openAsChecked`: a regular file of the same device and inode),
 * so a file renamed over the name, or the name removed, ends the body with an error (the connection is dropped, as
 * for a file that shrank) rather than send another file's bytes.
 */
function reopenedFileBody({ real, stats }: OpenedFile): FaultBody {
  async function* piece(start: number, end: number): AsyncGenerator<Buffer> {
    const { handle } = await openAsChecked(real, stats).catch((error: Error) => {
      throw new Error(
        `file ${JSON.stringify(real)} could not be opened again for the drip's next piece (${whyNotReopened(error)}): the connection was closed`,
        { cause: error },
      );
    });
    try {
      yield* handle.createReadStream({ start, end: end - 1, autoClose: false });
    } finally {
      await handle.close();
    }
  }
  return {
    length: stats.size,
    read: (start, end) => Readable.from(piece(start, end), { objectMode: false }),
    release() {},
  };
}

/** Why a dripping file's name no longer opens the file: said plainly for what happens to files meanwhile. */
function whyNotReopened(error: Error): string {
  if (error instanceof UnservableFile) return 'another file was put in its place';
  if (namesNoFile(error)) return 'it was removed or renamed';
  return error.message;
}

/** The first `count` bytes of `body` (fewer if it has fewer), in one buffer. */
export async function firstBytes(body: FaultBody, count: number): Promise<Buffer> {
  const end = Math.min(count, body.length);
  if (end <= 0) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of body.read(0, end)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
