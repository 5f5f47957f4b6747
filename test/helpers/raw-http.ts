import { connect } from 'node:net';
import { WAIT_MS } from './wait';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawHttpOptions {
  /** Fail when no whole response (or close) came within this time. Default `WAIT_MS`. */
  timeoutMs?: number;
  /** The request is a HEAD: the response has no body, whatever its Content-Length says. */
  head?: boolean;
}

/**
 * Sends bytes exactly as given, in the given pieces (each its own TCP write, a pause between them),
 * and reads the response until the server closes or the body is complete. For the requests `fetch`
 * cannot send: broken JSON with a lying length, hand-made chunked bodies, bodies split across writes.
 */
export function rawHttp(
  port: number,
  pieces: (string | Buffer)[],
  pauseMs = 20,
  { timeoutMs = WAIT_MS, head = false }: RawHttpOptions = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('raw HTTP request timed out'));
    }, timeoutMs);
    socket.on('error', (error) => {
      clearTimeout(timer);
      // A server may answer and close before the whole request is written (a body over the limit).
      const parsed = parseRawResponse(Buffer.concat(chunks), true, head);
      if (parsed) resolve(parsed);
      else reject(error);
    });
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const parsed = parseRawResponse(Buffer.concat(chunks), false, head);
      if (parsed) {
        clearTimeout(timer);
        socket.destroy();
        resolve(parsed);
      }
    });
    socket.on('end', () => {
      clearTimeout(timer);
      const parsed = parseRawResponse(Buffer.concat(chunks), true, head);
      if (parsed) resolve(parsed);
      else reject(new Error(`incomplete response: ${Buffer.concat(chunks).toString()}`));
    });
    socket.on('connect', async () => {
      for (const [index, piece] of pieces.entries()) {
        if (index > 0) await new Promise((r) => setTimeout(r, pauseMs));
        socket.write(piece);
      }
    });
  });
}

/**
 * The response in `data` (interim 1xx answers skipped, a chunked body decoded); undefined while it is incomplete.
 * `ended`: the server closed the connection, so a body without a length ends here.
 */
export function parseRawResponse(data: Buffer, ended: boolean, head = false): RawResponse | undefined {
  let text = data.toString('utf8');
  let headerEnd = text.indexOf('\r\n\r\n');
  // Interim answers (100 Continue) come before the response itself.
  while (headerEnd >= 0 && /^HTTP\/1\.1 1(?!01)\d\d /.test(text)) {
    text = text.slice(headerEnd + 4);
    headerEnd = text.indexOf('\r\n\r\n');
  }
  if (headerEnd < 0) return undefined;
  const [statusLine = '', ...headerLines] = text.slice(0, headerEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(statusLine.split(' ')[1]);
  let body = text.slice(headerEnd + 4);
  // No body after a HEAD, and none of HTTP's after a protocol switch.
  if (head || status === 101) return { status, headers, body: '' };
  const length = headers['content-length'];
  if (length !== undefined) {
    const bytes = Buffer.from(body);
    if (bytes.length < Number(length)) return undefined;
    // Anything after is the answer to a next (pipelined, or smuggled) request.
    body = bytes.subarray(0, Number(length)).toString('utf8');
  } else if (headers['transfer-encoding'] === 'chunked') {
    if (!body.endsWith('0\r\n\r\n')) return ended ? { status, headers, body } : undefined;
    body = dechunk(body);
  } else if (!ended) {
    return undefined;
  }
  return { status, headers, body };
}

function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (!size) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}
