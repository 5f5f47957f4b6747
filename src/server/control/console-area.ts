import type Router from '@koa/router';
import type { Middleware } from 'koa';
import compose from 'koa-compose';
import { CONTROL_API_PREFIX } from '../../shared/control-api';
import { CONSOLE_PATH_PREFIX } from '../../shared/mounts/mount-fields';
import { isUrlPathUnder } from '../../shared/url-path-under';
import { errorHandler } from '../http/error-handler';
import { jsonResponse } from '../http/json-response';
import { unmatchedRoute } from '../http/unmatched-route';
import { newRouter } from '../support/koa-router-on-first-use';
import { consoleEdits } from './console-edits';
import { consoleStatic } from './console-static';
import { controlAccess } from './control-access';
import type { ControlDeps } from './control-deps';
import { engineHealth } from './engine-health';
import { packNotServing } from './pack-not-serving';

/** Whether a request target (path and query, as on the request line) is the console's. */
export function isConsoleTarget(url: string): boolean {
  const query = url.indexOf('?');
  return isUrlPathUnder(query === -1 ? url : url.slice(0, query), CONSOLE_PATH_PREFIX);
}

/**
 * Everything under `/__console`: the control API (host check, token, FastAPI-shaped errors, no CORS, not in
 * the request log) — the engine's own routes, then the serving packs' (`packRoutes`, which change with the
 * workspace) — the engine's health check, and the built console. Other paths go on to the mocked API.
 */
export function consoleArea(
  deps: ControlDeps,
  routers: Router[],
  packRoutes: () => Middleware,
  rendererDir: string | undefined,
): Middleware {
  const api = newRouter({ prefix: CONTROL_API_PREFIX });
  for (const router of routers) api.use(router.routes());
  const handleApi: Middleware = compose<Parameters<Middleware>[0]>([
    jsonResponse(),
    errorHandler(deps.context.logger),
    controlAccess(deps.token, () => deps.host),
    consoleEdits(deps.workspace),
    unmatchedRoute(),
    packNotServing(() => deps.context.world),
    api.routes() as Middleware,
    api.allowedMethods() as Middleware,
    (ctx, next) => packRoutes()(ctx, next),
  ]);
  const serveStatic = consoleStatic(rendererDir);
  const health = engineHealth();
  return function routeConsoleArea(ctx, next) {
    if (isUrlPathUnder(ctx.path, CONTROL_API_PREFIX)) return handleApi(ctx, async () => {});
    if (isUrlPathUnder(ctx.path, CONSOLE_PATH_PREFIX)) return health(ctx, () => serveStatic(ctx, next));
    return next();
  };
}
