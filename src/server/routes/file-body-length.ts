import { pipeline, Readable, Transform } from 'node:stream';
import type { OpenedFile } from './servable-file';

/**
 * A body that sends exactly the `Content-Length` of the opened file `file` had when it was opened (`stats.size`): a
 * file that grows while it is sent (a log being written) would otherwise send its new bytes past that length, which
 * the client reads as the start of the next response on the connection; one that shrinks (or a system file whose size
 * says 4096 and holds less) would leave the client waiting for bytes that never come until the connection times out.
 * So the read stops at the length, and a file that ends before it ends the response with an error, which drops the
 * connection at once (the status line is out: nothing truer can be said then). The descriptor is closed once the body
 * ends or is destroyed (Koa destroys it when the response finishes: a HEAD, a client gone).
 */
export function bodyAtItsLength({ handle, stats }: OpenedFile, file: string): Readable {
  const length = stats.size;
  if (length === 0) {
    void handle.close().catch(() => {});
    return Readable.from([]);
  }
  const source = handle.createReadStream({ start: 0, end: length - 1 });
  let sent = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      done(
        sent < length
          ? new Error(
              `file ${JSON.stringify(file)} ended after ${sent} of the ${length} bytes it had when its response began (it shrank while it was sent): the connection was closed`,
            )
          : undefined,
      );
    },
  });
  pipeline(source, counted, () => {});
  return counted;
}
