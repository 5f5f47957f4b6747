import type { Middleware } from 'koa';
import { ENGINE_HEALTH_PATH } from '../../shared/control-api';

/**
 * `GET /__console/health`: that the engine is up and answering, whatever the workspace mounts (a Docker
 * healthcheck, a CI job waiting for the mock). No token and no Host check: it says nothing but "ok", so neither a
 * rebound page nor a stranger learns anything from it. Never cached, never in the request log.
 */
export function engineHealth(): Middleware {
  return function answerHealth(ctx, next) {
    if (ctx.path !== ENGINE_HEALTH_PATH) return next();
    ctx.set('Cache-Control', 'no-store');
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD');
      ctx.body = { detail: 'Method Not Allowed' };
      return;
    }
    ctx.body = { status: 'ok' };
  };
}
