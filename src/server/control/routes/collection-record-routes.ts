import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { ItemsPage } from '../../../shared/control-api';
import type { JsonObject } from '../../../shared/json-value';
import { HttpError, RequestValidationError } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { queryInteger } from '../../http/query-params';
import { parseRequestPart } from '../../http/validation';
import type { CollectionStore } from '../../routes/collections/collection-store';
import { parseIdText, type RecordId } from '../../routes/collections/record-ids';
import { newRouter } from '../../support/koa-router-on-first-use';
import type { ControlDeps } from '../control-deps';
import { checkWorkspaceRoom } from './workspace-room';

/** A page of a collection's records: all of them unless asked for fewer (a script reading 50,000 a page at a time). */
const RecordsPageQuery = z.object({
  offset: queryInteger({ min: 0 }).default(0),
  limit: queryInteger({ min: 1, max: 100_000 }).optional(),
});

/**
 * A collection's records from the console: the same checks as its REST API (the collection's schema, typed ids,
 * 404 for unknown ids, 409 for taken ones), without going through the mocked API's log and CORS; and, as every console
 * edit, 409 for records that would make the workspace too large to save.
 */
export function collectionRecordRoutes({ context, workspace }: ControlDeps): Router {
  const router = newRouter();
  const body = jsonBody(context.settings);
  const collectionOf = (ctx: Context): CollectionStore => {
    const store = context.world.collection(ctx.params.id ?? '');
    if (!store) throw new HttpError(404, `Collection not found: ${ctx.params.id}`);
    return store;
  };
  /** Refuses records that would make the workspace too large to save (409), before they are stored. */
  const roomFor =
    (store: CollectionStore) =>
    (records: readonly JsonObject[]): void =>
      checkWorkspaceRoom(workspace, {
        collections: workspace
          .document()
          .collections.map((collection) =>
            collection.id === store.id ? { ...collection, records: [...records] } : collection,
          ),
      });
  const recordId = (ctx: Context, store: CollectionStore): RecordId => {
    const parsed = parseIdText(ctx.params.recordId ?? '', store.idType, ['path', 'recordId']);
    if (typeof parsed === 'object') throw new RequestValidationError([parsed]);
    return parsed;
  };

  router.get('/collections/:id/records', (ctx) => {
    const { offset, limit } = parseRequestPart(RecordsPageQuery, ctx.query, 'query');
    const records = collectionOf(ctx).list();
    const page = records.slice(offset, limit === undefined ? undefined : offset + limit);
    ctx.body = { items: page, total: records.length } satisfies ItemsPage<JsonObject>;
  });

  router.put('/collections/:id/records', body, (ctx) => {
    const store = collectionOf(ctx);
    const { items } = parseRequestPart(z.strictObject({ items: z.array(z.unknown()) }), requestBody(ctx), 'body');
    store.reset(items, ['body', 'items'], roomFor(store));
    ctx.body = { items: [...store.list()], total: store.list().length } satisfies ItemsPage<JsonObject>;
  });

  router.post('/collections/:id/records', body, (ctx) => {
    const store = collectionOf(ctx);
    ctx.status = 201;
    ctx.body = store.create(requestBody(ctx), roomFor(store));
  });

  router.get('/collections/:id/records/:recordId', (ctx) => {
    const store = collectionOf(ctx);
    ctx.body = store.find(recordId(ctx, store));
  });

  router.put('/collections/:id/records/:recordId', body, (ctx) => {
    const store = collectionOf(ctx);
    ctx.body = store.replace(recordId(ctx, store), requestBody(ctx), roomFor(store));
  });

  router.delete('/collections/:id/records/:recordId', (ctx) => {
    const store = collectionOf(ctx);
    store.remove(recordId(ctx, store));
    ctx.status = 204;
  });

  return router;
}
