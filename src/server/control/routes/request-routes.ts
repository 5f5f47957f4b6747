import type Router from '@koa/router';
import { z } from 'zod';
import {
  answeredByKey,
  type RequestCounts,
  type RequestLogPage,
  type RequestSummary,
} from '../../../shared/request-log';
import { HttpError, RequestValidationError } from '../../http/http-errors';
import { queryInteger, queryString } from '../../http/query-params';
import { parseRequestPart } from '../../http/validation';
import { newRouter } from '../../support/koa-router-on-first-use';
import type { ControlDeps } from '../control-deps';

const RequestsQuerySchema = z.object({
  limit: queryInteger({ min: 1, max: 100_000 }).optional(),
  method: queryString().optional(),
  /**
   * The path as logged (as the client sent it, without the query), exactly: a test counting the calls to
   * `/api/todos` must not count `/api/todos/1` with them. Empty, as missing: any path.
   */
  path: queryString().optional(),
  /** Paths starting with this text (plain text: `/api/todo` takes `/api/todos` too). */
  pathPrefix: queryString().optional(),
  /** `kind:id` of the mount that answered (`route:get-item`, `pack:agora-mock`), or `none` for what nothing did. */
  mount: queryString()
    .pipe(
      z
        .string()
        .regex(/^(none|(route|collection|static|agent|pack):[\w.-]+)$/, 'none, or kind:id such as route:get-item'),
    )
    .optional(),
  /** `summary` leaves headers and bodies out (the console's list); `full` (default) has everything. */
  view: z.preprocess((v) => (Array.isArray(v) ? v.at(-1) : v), z.enum(['full', 'summary'])).optional(),
});

/**
 * The mocked REST API's request log, newest first, with headers and bodies both ways, and what it let go of; and
 * how many requests each mount answered.
 */
export function requestRoutes({ context }: ControlDeps): Router {
  const router = newRouter();
  router.get('/requests', (ctx) => {
    const { limit, method, path, pathPrefix, mount, view } = parseRequestPart(RequestsQuerySchema, ctx.query, 'query');
    const matches = (entry: RequestSummary) =>
      (!method || entry.method === method.toUpperCase()) &&
      (!path || entry.path === path) &&
      (!pathPrefix || entry.path.startsWith(pathPrefix)) &&
      (!mount || answeredByKey(entry.answeredBy) === mount);
    ctx.body = context.requestLog.page(
      matches,
      limit ?? Number.MAX_SAFE_INTEGER,
      view !== 'summary',
    ) satisfies RequestLogPage;
  });
  // Before `/requests/:id`: how many of the logged requests each mount answered (the console's "served" counts).
  router.get('/requests/counts', (ctx) => {
    ctx.body = context.requestLog.counts() satisfies RequestCounts;
  });
  router.get('/requests/:id', (ctx) => {
    const id = ctx.params.id ?? '';
    if (!/^[1-9]\d{0,15}$/.test(id))
      throw new RequestValidationError([
        {
          type: 'int_parsing',
          loc: ['path', 'id'],
          msg: 'Input should be a valid integer, a request id (1, 2, …)',
          input: id,
        },
      ]);
    const entry = context.requestLog.get(Number(id));
    if (!entry) throw new HttpError(404, `Request not found: ${ctx.params.id} (the log keeps the newest ones only)`);
    ctx.body = entry;
  });
  router.delete('/requests', (ctx) => {
    context.requestLog.clear();
    ctx.status = 204;
  });
  return router;
}
