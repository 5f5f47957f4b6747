import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import type { Logger } from '../support/logger';
import { errorHandler } from './error-handler';
import { jsonResponse } from './json-response';
import { mockApiCors } from './mock-api-cors';
import type { RequestLog } from './request-log';
import { unmatchedRoute } from './unmatched-route';

export interface HttpAppParts {
  logger: Logger;
  requestLog: RequestLog;
  /** Handles `/__console/*` entirely (its own auth, no CORS, not logged); passes everything else on. */
  consoleArea: Middleware;
  /** The mocked API's routers, grouped by resource. */
  apiRouters: Router[];
}

/** The whole HTTP pipeline, composed in one visible place. */
export function createHttpApp({ logger, requestLog, consoleArea, apiRouters }: HttpAppParts): Koa {
  const app = new Koa();
  app.silent = true;
  app.on('error', (error: Error, ctx?: Koa.Context) =>
    logger.error(ctx ? `HTTP server error in ${ctx.method} ${ctx.path}` : 'HTTP server error', error),
  );

  // One router holding every resource's routes: a single match per request instead of one per router.
  const api = new Router();
  for (const router of apiRouters) api.use(router.routes());

  // The last resort, for what fails outside the mocked API's own error handling (e.g. a request target Koa
  // finds no path in): still a FastAPI body, never Koa's plain text.
  app.use(errorHandler(logger));
  app.use(consoleArea);
  app.use(requestLog.middleware());
  app.use(jsonResponse());
  app.use(errorHandler(logger));
  app.use(mockApiCors());
  app.use(unmatchedRoute());
  app.use(api.routes());
  app.use(api.allowedMethods());
  return app;
}
