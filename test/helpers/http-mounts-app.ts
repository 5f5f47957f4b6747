import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import type Router from '@koa/router';
import Koa from 'koa';
import { errorHandler } from '../../src/server/http/error-handler';
import type { JsonBodyLimits } from '../../src/server/http/json-body';
import { jsonResponse } from '../../src/server/http/json-response';
import { RequestLog } from '../../src/server/http/request-log';
import { unmatchedRoute } from '../../src/server/http/unmatched-route';
import { answeredBy } from '../../src/server/routes/answered-by';
import { type HttpMountParts, HttpMounts } from '../../src/server/routes/http-mounts';
import type { Logger } from '../../src/server/support/logger';
import { RetentionBudget } from '../../src/server/support/retention-budget';
import type { MountRef } from '../../src/shared/mounts/match-report';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';

export interface MountsApp {
  base: string;
  port: number;
  mounts: HttpMounts;
  requestLog: RequestLog;
  /** What answered each request so far (`answeredBy`), in order, with its path: faults take the headers over. */
  answers: { path: string; ref: MountRef | undefined }[];
  /** Errors the error handler logged (unexpected ones: a test that sees one has found a bug). */
  logged: string[];
  /** The header a 404 carries its near misses in (URI-encoded JSON), as the integrator's 404 would show them. */
  nearMisses(response: Response): unknown[];
  close(): void;
}

/**
 * A real Koa app on a free port serving `parts` the way the engine composes its pipeline (request log, JSON
 * serialisation, FastAPI error shapes, 404 for what nothing answered), with a route after the mounts that behaves
 * like a pack: it reads the body with the engine's JSON parser, so tests see that mounts leave it usable.
 */
export async function startMountsApp(
  parts: HttpMountParts,
  options: { baseDir?: string; limits?: Partial<JsonBodyLimits>; after?: Router } = {},
): Promise<MountsApp> {
  const logged: string[] = [];
  const logger: Logger = {
    info: () => {},
    warn: () => {},
    error: (message, error) => logged.push(`${message}: ${error instanceof Error ? error.stack : String(error)}`),
  };
  const limits: JsonBodyLimits = {
    maxBodyBytes: DEFAULT_SETTINGS.maxBodyBytes,
    maxJsonDepth: DEFAULT_SETTINGS.maxJsonDepth,
    ...options.limits,
  };
  const mounts = HttpMounts.compile(parts, { baseDir: options.baseDir ?? process.cwd(), settings: () => limits });
  const requestLog = new RequestLog({ capacity: 100, bodyBytes: 1024 }, new RetentionBudget(64 * 1024 * 1024));
  const app = new Koa();
  app.silent = true;
  // As the engine's pipeline logs a request: timed from here, recorded once it is done.
  app.use(async (ctx, next) => {
    const started = performance.now();
    const at = Date.now();
    try {
      await next();
    } finally {
      requestLog.record(ctx, at, performance.now() - started);
    }
  });
  app.use(jsonResponse());
  app.use(errorHandler(logger));
  const answers: MountsApp['answers'] = [];
  app.use(async (ctx, next) => {
    try {
      await next();
    } finally {
      answers.push({ path: ctx.path, ref: answeredBy(ctx) });
    }
    const ref = answeredBy(ctx);
    if (ref && !ctx.headerSent) ctx.set('X-Answered-By', JSON.stringify(ref));
  });
  app.use(unmatchedRoute());
  app.use(async (ctx, next) => {
    await next();
    if (ctx.body === undefined && ctx.status === 404 && ctx.respond !== false)
      ctx.set('X-Near-Misses', encodeURIComponent(JSON.stringify(await mounts.explain(ctx))));
  });
  app.use(mounts.middleware());
  if (options.after) app.use(options.after.routes());
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = () => {
    server.closeAllConnections();
    server.close();
  };
  after(close);
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    mounts,
    requestLog,
    answers,
    logged,
    nearMisses: (response) => JSON.parse(decodeURIComponent(response.headers.get('x-near-misses') ?? '%5B%5D')),
    close,
  };
}
