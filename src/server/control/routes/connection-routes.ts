import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { ConnectionSummary, FrameRecord } from '../../../shared/connections';
import { type ClearedConnections, type ItemsPage, isAllowedCloseCode } from '../../../shared/control-api';
import { HttpError } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { queryInteger, queryString } from '../../http/query-params';
import { parseRequestPart } from '../../http/validation';
import { newRouter } from '../../support/koa-router-on-first-use';
import type { Connection } from '../../ws/connection';
import type { ControlDeps } from '../control-deps';

const ListQuerySchema = z.object({
  state: z.preprocess((v) => (Array.isArray(v) ? v.at(-1) : v), z.enum(['open', 'closing', 'closed'])).optional(),
  path: queryString().optional(),
  kind: z.preprocess((v) => (Array.isArray(v) ? v.at(-1) : v), z.enum(['ws', 'sse'])).optional(),
});

const ClearQuerySchema = z.object({
  state: z.preprocess(
    (v) => (Array.isArray(v) ? v.at(-1) : v),
    z.literal('closed', 'only closed connections can be cleared: send ?state=closed (close open ones first)'),
  ),
});

const FramesQuerySchema = z.object({
  limit: queryInteger({ min: 1, max: 10_000 }).optional(),
  before: queryInteger({ min: 1 }).optional(),
  direction: z.preprocess((v) => (Array.isArray(v) ? v.at(-1) : v), z.enum(['in', 'out'])).optional(),
  eventType: queryString().optional(),
});

/**
 * The most frame text one page of frames holds (UTF-8 bytes; always at least one frame): a page of a connection's
 * megabyte frames, escaped into JSON (a control character takes six characters there), passed the longest string
 * V8 can make, and the page was a 500 instead. As much as the console keeps of a connection.
 */
const FRAMES_PAGE_TEXT_BYTES = 32 * 1024 * 1024;

const CloseBodySchema = z.strictObject({
  code: z
    .number()
    .int()
    .refine(isAllowedCloseCode, 'code must be 1000, 1001, 1008, 1011, 1012, 1013, 1014 or 3000–4999'),
  reason: z
    .string()
    .default('')
    .refine((reason) => Buffer.byteLength(reason) <= 123, 'reason must be at most 123 bytes (UTF-8)'),
});

const DeliveryPatchSchema = z
  .strictObject({
    paused: z.boolean().optional(),
    latencyMs: z.number().int().min(0).max(60_000).optional(),
  })
  .refine((patch) => patch.paused !== undefined || patch.latencyMs !== undefined, 'Send paused and/or latencyMs');

/** The connection with this id, or a 404. */
export function connectionById(id: string, { context }: ControlDeps): Connection {
  const connection = context.registry.get(id);
  if (!connection) throw new HttpError(404, `Connection not found: ${id}`);
  return connection;
}

/** Finds the connection named in the path, or answers 404. */
export function connectionFrom(ctx: Context, deps: ControlDeps): Connection {
  return connectionById(ctx.params.id ?? '', deps);
}

/** Refuses actions on a connection that is already closing or closed (409, saying which). */
export function requireOpen(connection: Connection): void {
  if (!connection.isOpen) throw new HttpError(409, `Connection ${connection.id} is ${connection.state}`);
}

/** List, inspect, page frames, close and terminate the mocked API's client connections. */
export function connectionRoutes(deps: ControlDeps): Router {
  const router = newRouter();

  router.get('/connections', (ctx) => {
    const { state, path, kind } = parseRequestPart(ListQuerySchema, ctx.query, 'query');
    const items = deps.context.registry
      .list()
      .filter((c) => (!state || c.state === state) && (!path || c.path === path) && (!kind || c.kind === kind))
      .map((c) => c.summary());
    ctx.body = { items, total: items.length } satisfies ItemsPage<ConnectionSummary>;
  });

  // Clearing closed connections frees what the engine kept of them (their frames' share of the memory budget).
  router.delete('/connections', (ctx) => {
    parseRequestPart(ClearQuerySchema, ctx.query, 'query');
    ctx.body = { removed: deps.context.registry.removeClosed() } satisfies ClearedConnections;
  });

  router.get('/connections/:id', (ctx) => {
    ctx.body = connectionFrom(ctx, deps).summary();
  });

  router.get('/connections/:id/frames', (ctx) => {
    const connection = connectionFrom(ctx, deps);
    const { limit = 200, before, direction, eventType } = parseRequestPart(FramesQuerySchema, ctx.query, 'query');
    ctx.body = connection.frames.newest(
      limit,
      (seq, frameDirection, frameEventType) =>
        (!direction || frameDirection === direction) &&
        (!eventType || frameEventType === eventType) &&
        (before === undefined || seq < before),
      FRAMES_PAGE_TEXT_BYTES,
    ) satisfies ItemsPage<FrameRecord>;
  });

  router.post('/connections/:id/close', jsonBody(deps.context.settings), (ctx) => {
    const connection = connectionFrom(ctx, deps);
    const { code, reason } = parseRequestPart(CloseBodySchema, requestBody(ctx), 'body');
    requireOpen(connection);
    connection.close(code, reason);
    ctx.status = 202;
    ctx.body = connection.summary();
  });

  router.patch('/connections/:id', jsonBody(deps.context.settings), (ctx) => {
    const connection = connectionFrom(ctx, deps);
    const patch = parseRequestPart(DeliveryPatchSchema, requestBody(ctx), 'body');
    requireOpen(connection);
    connection.setDelivery(patch);
    ctx.body = connection.summary();
  });

  router.post('/connections/:id/terminate', (ctx) => {
    const connection = connectionFrom(ctx, deps);
    if (connection.state === 'closed') throw new HttpError(409, `Connection ${connection.id} is closed`);
    connection.terminate();
    ctx.status = 202;
    ctx.body = connection.summary();
  });

  return router;
}
