import { createReadStream, ReadStream } from 'node:fs';
import { pipeline, Readable, Transform } from 'node:stream';
import type { Context } from 'koa';

/**
 * Makes the file koa-send put in `ctx.body` send exactly the `Content-Length` it set from the file's size when it
 * looked: a file that grows while it is sent (a log being written) would otherwise send its new bytes past that
 * length, which the client reads as the start of the next response on the connection; one that shrinks (or a
 * system file whose size says 4096 and holds less) would leave the client waiting for bytes that never come until
 * the connection times out. So the read stops at the length, and a file that ends before it ends the response with
 * an error, which drops the connection at once (the status line is out: nothing truer can be said then).
 */
export function sendFileAtItsLength(ctx: Context): void {
  const file = ctx.body;
  const length = ctx.length;
  if (!(file instanceof ReadStream) || length === undefined) return;
  const path = file.path;
  file.destroy();
  const source = length === 0 ? Readable.from([]) : createReadStream(path, { start: 0, end: length - 1 });
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
              `file ${JSON.stringify(String(path))} ended after ${sent} of the ${length} bytes it had when its response began (it shrank while it was sent): the connection was closed`,
            )
          : undefined,
      );
    },
  });
  pipeline(source, counted, () => {});
  ctx.body = counted;
  // Koa drops the length when a stream replaces a stream.
  ctx.length = length;
}
