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
    await handle(ctx, next);
    if (ctx.method === 'OPTIONS' && ctx.status === 204 && ctx.get('Access-Control-Request-Method')) {
      ctx.body = 'OK';
      ctx.status = 200;
    }
  };
}
