import type { Context } from 'koa';
import type { z } from 'zod';
import { RequestValidationError } from './http-errors';
import { toValidationIssues } from './validation';

/** The parsed JSON body (see `jsonBody`); undefined when the request had none. */
export function requestBody(ctx: Context): unknown {
  return (ctx.request as { body?: unknown }).body;
}

/**
 * Validates query and body together and reports every problem in one 422, query first, as FastAPI does;
 * nothing is acted on unless both are valid.
 */
export function parseQueryAndBody<Q extends z.ZodType, B extends z.ZodType>(
  ctx: Context,
  querySchema: Q,
  bodySchema: B,
): { query: z.output<Q>; body: z.output<B> } {
  const body = requestBody(ctx);
  const query = querySchema.safeParse(ctx.query);
  const parsedBody = bodySchema.safeParse(body);
  if (query.success && parsedBody.success) return { query: query.data, body: parsedBody.data };
  throw new RequestValidationError([
    ...(query.success ? [] : toValidationIssues(query.error.issues, ctx.query, 'query')),
    ...(parsedBody.success ? [] : toValidationIssues(parsedBody.error.issues, body, 'body')),
  ]);
}
