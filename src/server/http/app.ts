import Koa, { type Context, type Middleware } from 'koa';
import type { NearMiss } from '../../shared/mounts/match-report';
import type { ApiKeyGate } from '../gateway/api-key-gate';
import { isClientGone } from '../support/client-gone';
import type { Logger } from '../support/logger';
import { errorHandler } from './error-handler';
import { mockApiPipeline } from './mock-api-pipeline';
import { rememberParsedQueries } from './query-memo';
import type { RequestLog } from './request-log';
import { discardUnreadBodies } from './unread-body';

export interface HttpAppParts {
  logger: Logger;
  requestLog: RequestLog;
  /** Handles `/__console/*` entirely (its own auth, no CORS, not logged); passes everything else on. */
  consoleArea: Middleware;
  /** The gateway's API-key check on the mocked API (off unless the `gatewayAuth` setting turns it on). */
  gateway: ApiKeyGate;
  /** The mocked API: the world's table of mounts; what nothing answers it passes on (to the 404). */
  mounts: Middleware;
  /** For a request nothing answered: the closest mounts and why each did not match (kept in the request log). */
  explainMiss?: (ctx: Context) => Promise<NearMiss[]>;
}

/** The whole HTTP pipeline, composed in one visible place. */
export function createHttpApp({ logger, requestLog, consoleArea, gateway, mounts, explainMiss }: HttpAppParts): Koa {
  const app = new Koa();
  app.silent = true;
  rememberParsedQueries(app);
  // Koa reports an error once per reporter that sees it: a body stream that fails after the headers is reported by
  // the body's listener, then again when the response it broke closes. Said once.
  const reported = new WeakSet<object>();
  app.on('error', (error: Error, ctx?: Koa.Context) => {
    // A client that reset its connection is gone, not a fault of ours: its request is logged (499) all the same.
    if (isClientGone(error)) return;
    if (typeof error === 'object' && error !== null) {
      if (reported.has(error)) return;
      reported.add(error);
    }
    logger.error(ctx ? `HTTP server error in ${ctx.method} ${ctx.path}` : 'HTTP server error', error);
  });

  // Outermost: what is left of a body nobody read is dealt with once the answer is known, before it is written.
  app.use(discardUnreadBodies());
  // The last resort, for what fails outside the mocked API's own error handling (e.g. a request target Koa
  // finds no path in): still a FastAPI body, never Koa's plain text.
  app.use(errorHandler(logger));
  app.use(consoleArea);
  // The mocked API's steps (request log, JSON, errors, CORS, gateway, 404/405) around its mounts.
  app.use(mockApiPipeline({ logger, requestLog, gateway, explainMiss }));
  app.use(mounts);
  return app;
}
