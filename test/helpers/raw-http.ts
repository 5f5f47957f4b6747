import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends bytes exactly as given, in the given pieces (each its own TCP write, a pause between them),
 * and reads the response until the server closes or the body is complete. For the requests `fetch`
 * cannot send: broken JSON with a lying length, hand-made chunked bodies, bodies split across writes.
 */
export function rawHttp(port: number, pieces: (string | Buffer)[], pauseMs = 20): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('raw HTTP request timed out'));
    }, 5000);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const parsed = parse(Buffer.concat(chunks));
      if (parsed) {
        clearTimeout(timer);
        socket.destroy();
        resolve(parsed);
      }
    });
    socket.on('end', () => {
      clearTimeout(timer);
      const parsed = parse(Buffer.concat(chunks), true);
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

function parse(data: Buffer, ended = false): RawResponse | undefined {
  const text = data.toString('utf8');
  const headerEnd = text.indexOf('\r\n\r\n');
  if (headerEnd < 0) return undefined;
  const [statusLine = '', ...headerLines] = text.slice(0, headerEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(statusLine.split(' ')[1]);
  let body = text.slice(headerEnd + 4);
  const length = headers['content-length'];
  if (length !== undefined) {
    if (Buffer.byteLength(body) < Number(length)) return undefined;
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
