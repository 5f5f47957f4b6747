import { createServer } from 'node:http';
import { serveAsChild } from '../child-protocol';
import { listenLocally } from './listen-locally';

export interface BareSsePayload {
  /** The SSE frames (`data: {event}\n\n`) of one run, as the engine sent them. */
  frames: string[];
}

/**
 * Reference for SSE: a bare `node:http` server that answers every POST with a recorded run's frames, written
 * one by one as a plain SSE server writes them (headers flushed first, one `write` per event, then `end`). The
 * engine hands the frames one turn of the event loop produces to a single `write`.
 */
serveAsChild(async (payload) => {
  const { frames } = payload as BareSsePayload;
  const server = createServer((request, response) => {
    request.resume();
    request.once('end', () => {
      response.statusCode = 200;
      response.setHeader('content-type', 'text/event-stream');
      response.setHeader('cache-control', 'no-cache');
      response.setHeader('x-accel-buffering', 'no');
      response.setHeader('connection', 'keep-alive');
      response.flushHeaders();
      for (const frame of frames) response.write(frame);
      response.end();
    });
  });
  return listenLocally(server);
});
