import type { Context, Middleware, Next } from 'koa';
import type { NearMiss } from '../../shared/mounts/match-report';
import type { ApiKeyGate } from '../gateway/api-key-gate';
import { refusedByGateway } from '../gateway/gateway-refusal';
import type { Logger } from '../support/logger';
import { answerError } from './error-handler';
import { serialiseJsonBody } from './json-response';
import { mockApiCors } from './mock-api-cors';
import type { RequestLog } from './request-log';
import { sendTextAsBytes } from './text-body-bytes';
import { answerIfUnmatched } from './unmatched-route';

export interface MockApiPipelineParts {
  logger: Logger;
  requestLog: RequestLog;
  /** The gateway's API-key check (off unless the `gatewayAuth` setting turns it on). */
  gateway: ApiKeyGate;
  /** For a request nothing answered: the closest mounts and why each did not match (kept in the request log). */
  explainMiss?: (ctx: Context) => Promise<NearMiss[]>;
}

/**
 * The mocked API's own steps around the world's mounts, outermost first: the request log (timing, the entry when
 * the request is done), JSON serialisation (`serialiseJsonBody`), FastAPI-shaped errors (`answerError`), CORS
 * (only for a request with an Origin), the gateway's key check (after CORS: a preflight never needs the key), then
 * the mounts, then the 404/405 bodies for what none answered (`answerIfUnmatched`); once logged, the text body of a
 * response whose headers go beyond ASCII goes to Koa as bytes (`sendTextAsBytes`). One middleware calling each step
 * where six were composed: every request of the mocked API paid a Koa dispatch and an async frame per step.
 */
export function mockApiPipeline({ logger, requestLog, gateway, explainMiss }: MockApiPipelineParts): Middleware {
  const cors = mockApiCors();
  const onNotFound = notFoundRecorder(explainMiss, logger);

  async function answer(ctx: Context, mounts: Next): Promise<void> {
    if (refusedByGateway(ctx, gateway)) return;
    await mounts();
    // A 405 (a path served for other methods only) is a request nothing answered too: its near misses say which
    // mount has the path and what method it serves.
    if (ctx.status === 405 && onNotFound && ctx.state.nearMisses === undefined) await onNotFound(ctx);
    const explaining = answerIfUnmatched(ctx, onNotFound);
    if (explaining) await explaining;
  }

  return async function serveMockApi(ctx, mounts) {
    const started = performance.now();
    const at = Date.now();
    try {
      try {
        // `ctx.get('Origin')` without its delegation and switch: this runs on every request.
        if (ctx.req.headers.origin) await cors(ctx, () => answer(ctx, mounts));
        else await answer(ctx, mounts);
      } catch (thrown) {
        answerError(ctx, thrown, logger);
      }
      serialiseJsonBody(ctx);
    } finally {
      requestLog.record(ctx, at, performance.now() - started);
    }
    sendTextAsBytes(ctx);
  };
}

/**
 * Keeps on a 404 or 405 what nearly answered, for the log (the body sent is in it already: the world reads a request's
 * body before choosing its mount). An explanation that fails is only logged: the 404 or 405 stands.
 */
function notFoundRecorder(explain: ((ctx: Context) => Promise<NearMiss[]>) | undefined, logger: Logger) {
  if (!explain) return undefined;
  return async (ctx: Context) => {
    try {
      ctx.state.nearMisses = await explain(ctx);
    } catch (error) {
      logger.warn(`near misses of ${ctx.method} ${ctx.path} not worked out: ${(error as Error).message}`);
    }
  };
}
