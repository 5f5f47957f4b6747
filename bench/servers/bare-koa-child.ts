import { createServer } from 'node:http';
import Koa from 'koa';
import { koaBody } from 'koa-body';
import { serveAsChild } from '../child-protocol';
import { listenLocally } from './listen-locally';

export interface BareKoaPayload {
  /** Response bodies by `METHOD /path` (query ignored), recorded from the engine. */
  bodies: Record<string, unknown>;
  /** PUT answers by the `theme` sent, so the body still decides the answer as in the engine. */
  putBodies: Record<string, Record<string, unknown>>;
}

/**
 * Reference for REST: a bare Koa app answering the same paths with the same, precomputed, objects. Setting
 * `ctx.body` to an object makes Koa serialise it per request, as the engine does.
 */
serveAsChild(async (payload) => {
  const { bodies, putBodies } = payload as BareKoaPayload;
  const app = new Koa();
  app.use(koaBody({ json: true, urlencoded: false, text: false, multipart: false }));
  app.use((ctx) => {
    const key = `${ctx.method} ${ctx.path}`;
    const put = putBodies[key];
    if (put) {
      const { theme } = ctx.request.body as { theme?: string };
      ctx.body = put[theme ?? ''];
      return;
    }
    ctx.body = bodies[key];
  });
  const server = createServer(app.callback());
  return listenLocally(server);
});
