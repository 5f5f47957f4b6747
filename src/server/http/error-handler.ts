import { STATUS_CODES } from 'node:http';
import type { Context, Middleware } from 'koa';
import { isClientGone } from '../support/client-gone';
import { filesExhausted } from '../support/files-exhausted';
import type { Logger } from '../support/logger';
import { CLIENT_CLOSED_REQUEST, HttpError } from './http-errors';

/** What the request log keeps of a request whose client left before its body was complete. */
const CLIENT_LEFT = 'The client closed the connection before the request body was complete';

interface BodyParserError extends Error {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  headers?: Record<string, string>;
}

/**
 * The one place errors become responses, shaped like FastAPI (`{"detail": ...}`), so the mock answers
 * like the backend it stands in for. Nothing thrown escapes: unexpected errors are logged and answered 500;
 * a response that had already started when the error came is cut off rather than left hanging.
 */
export function errorHandler(logger: Logger): Middleware {
  return async function handleErrors(ctx, next) {
    try {
      await next();
    } catch (thrown) {
      answerError(ctx, thrown, logger);
    }
  };
}

/** Answers what a request's handling threw (see `errorHandler`), for a pipeline that catches it itself. */
export function answerError(ctx: Context, thrown: unknown, logger: Logger): void {
  const where = `${ctx.method} ${ctx.path}`;
  if (ctx.headerSent) {
    // A streamed response failed after it started: its status can no longer change, and leaving it open
    // would hang the client. Cut it off so the client sees the failure.
    logger.error(`Unhandled error in ${where} after its response started; the response was cut off`, thrown);
    ctx.res.destroy();
    return;
  }
  const { status, detail, headers } = describeError(thrown, logger, where);
  // A route that took the response over (`ctx.respond = false`) and failed before starting it is answered here.
  ctx.respond = true;
  ctx.status = status;
  ctx.set(headers);
  ctx.body = { detail };
}

function describeError(
  thrown: unknown,
  logger: Logger,
  where: string,
): { status: number; detail: unknown; headers: Record<string, string> } {
  const error = thrown as BodyParserError;
  const headers = (error && typeof error === 'object' && error.headers) || {};
  if (thrown instanceof HttpError) return { status: thrown.status, detail: thrown.detail, headers };

  const status = error?.status ?? error?.statusCode;
  switch (error?.type) {
    case 'request.aborted':
      return { status: CLIENT_CLOSED_REQUEST, detail: CLIENT_LEFT, headers };
    case 'request.size.invalid':
      return { status: 400, detail: 'Request body length does not match its Content-Length header', headers };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, detail: `Unsupported request body encoding: ${error.message}`, headers };
  }
  // The connection failed under the body's read: the client is gone, there is nobody to answer or to blame.
  if (thrown instanceof Error && isClientGone(thrown))
    return { status: CLIENT_CLOSED_REQUEST, detail: CLIENT_LEFT, headers };
  // Errors from koa/router (ctx.throw, http-errors) that are meant for the client.
  if (typeof status === 'number' && status >= 400 && status < 500 && error.expose !== false) {
    return { status, detail: error.message || STATUS_CODES[status] || 'Error', headers };
  }
  const exhausted = filesExhausted(error);
  if (exhausted) {
    // Out of file descriptors: no fault of the request, and a moment later, once other requests let go of theirs,
    // it may well be answered.
    logger.warn(`${where}: answered 503: ${exhausted.why}`);
    return {
      status: 503,
      detail: `Service Unavailable: ${exhausted.why}, so the file this request needs cannot be opened now; try again in a moment, or ${exhausted.remedy}`,
      headers: { 'Retry-After': '1' },
    };
  }
  logger.error(`Unhandled error in ${where}`, thrown);
  return { status: 500, detail: 'Internal Server Error', headers: {} };
}
