import { STATUS_CODES } from 'node:http';
import type { Middleware } from 'koa';
import type { Logger } from '../support/logger';
import { HttpError } from './http-errors';

interface BodyParserError extends Error {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  limit?: number;
  headers?: Record<string, string>;
}

/**
 * The one place errors become responses, shaped like FastAPI (`{"detail": ...}`), so the mock answers
 * like the backend it stands in for. Nothing thrown escapes: unexpected errors are logged and answered 500.
 */
export function errorHandler(logger: Logger): Middleware {
  return async function handleErrors(ctx, next) {
    try {
      await next();
    } catch (thrown) {
      const { status, detail, headers } = describeError(thrown, logger, `${ctx.method} ${ctx.path}`);
      ctx.status = status;
      ctx.set(headers);
      ctx.body = { detail };
    }
  };
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
  if (error instanceof SyntaxError && status === 400)
    return { status: 400, detail: `Malformed JSON in request body: ${error.message}`, headers };
  switch (error?.type) {
    case 'entity.too.large':
      return {
        status: 413,
        detail: `Request body is too large: the limit is ${error.limit ?? 'configured'} bytes`,
        headers,
      };
    case 'request.aborted':
      return { status: 400, detail: 'The client closed the connection before the request body was complete', headers };
    case 'request.size.invalid':
      return { status: 400, detail: 'Request body length does not match its Content-Length header', headers };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, detail: `Unsupported request body encoding: ${error.message}`, headers };
  }
  // Errors from koa/router (ctx.throw, http-errors) that are meant for the client.
  if (typeof status === 'number' && status >= 400 && status < 500 && error.expose !== false) {
    return { status, detail: error.message || STATUS_CODES[status] || 'Error', headers };
  }
  logger.error(`Unhandled error in ${where}`, thrown);
  return { status: 500, detail: 'Internal Server Error', headers: {} };
}
