import cors from '@koa/cors';
import type { Middleware } from 'koa';

/**
 * CORS for the mocked API, as FastAPI's CORSMiddleware with `allow_origins=["*"]` and credentials:
 * any origin (echoed, so credentialed requests work), any method and header, preflight answered 200.
 * Only for a request with an Origin (the pipeline checks): without one it is not a cross-origin browser request,
 * and @koa/cors would echo an empty origin.
 */
export function mockApiCors(): Middleware {
  const handle = cors({
    origin: (ctx) => ctx.get('Origin'),
    credentials: true,
    allowMethods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'],
    keepHeadersOnError: true,
    maxAge: 600,
  });
  return async function mockApiCorsMiddleware(ctx, next) {
    // An OPTIONS request that is not a preflight (a browser's fetch of a route of method OPTIONS or ANY, after its
    // preflight) is a request like any other, as Starlette answers it; @koa/cors would leave it without CORS headers.
    if (ctx.method === 'OPTIONS' && !ctx.get('Access-Control-Request-Method')) {
      ctx.vary('Origin');
      ctx.set({ 'Access-Control-Allow-Origin': ctx.get('Origin'), 'Access-Control-Allow-Credentials': 'true' });
      return next();
    }
    await handle(ctx, next);
    if (ctx.method === 'OPTIONS' && ctx.status === 204 && ctx.get('Access-Control-Request-Method')) {
      ctx.body = 'OK';
      ctx.status = 200;
    }
  };
}
