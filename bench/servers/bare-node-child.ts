import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { serveAsChild } from '../child-protocol';
import type { BareKoaPayload } from './bare-koa-child';
import { listenLocally } from './listen-locally';

/**
 * The floor for REST: a bare `node:http` server answering the same paths with the same precomputed objects,
 * serialised per request with `JSON.stringify` (as the engine and bare Koa do), and nothing else.
 */
serveAsChild(async (payload) => {
  const { bodies, putBodies } = payload as BareKoaPayload;
  const answer = (res: ServerResponse, value: unknown) => {
    if (value === undefined) {
      res.writeHead(404).end();
      return;
    }
    const json = JSON.stringify(value);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const key = `${req.method} ${query === -1 ? url : url.slice(0, query)}`;
    const put = putBodies[key];
    if (!put) {
      req.resume();
      answer(res, bodies[key]);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const { theme } = JSON.parse(Buffer.concat(chunks).toString()) as { theme?: string };
        answer(res, put[theme ?? '']);
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  return listenLocally(server);
});
