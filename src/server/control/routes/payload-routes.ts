import type Router from '@koa/router';
import { z } from 'zod';
import type { ItemsPage } from '../../../shared/control-api';
import { PayloadIdSchema, PayloadsReplaceSchema, type SavedPayload } from '../../../shared/saved-payload';
import { HttpError, issueAt, RequestValidationError } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { pathIdMismatch } from '../../http/path-id-mismatch';
import { parseRequestPart, toValidationIssues } from '../../http/validation';
import { SavedPayloadConflictError, SavedPayloadValidationError } from '../../payloads/saved-payloads';
import { newRouter } from '../../support/koa-router-on-first-use';
import type { ControlDeps } from '../control-deps';
import { checkWorkspaceRoom } from './workspace-room';

const PathSchema = z.object({ id: PayloadIdSchema });

/**
 * The store's refusals as the API's: 422 in FastAPI's types, as every control API body is checked (`stored`, what the
 * store was given, is at `at` in the body), 409 for a taken name or a full store.
 */
function storeErrorsAsHttp<T>(stored: unknown, action: () => T, at: (string | number)[] = []): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof SavedPayloadConflictError) throw new HttpError(409, error.message);
    if (!(error instanceof SavedPayloadValidationError)) throw error;
    throw new RequestValidationError(
      toValidationIssues(error.issues, stored, 'body', { unknownKeysFirst: true }).map((issue) =>
        issueAt(['body', ...at], issue),
      ),
    );
  }
}

/** Saved payloads (the workspace's named events, macros, texts and JSON): list, read, save, delete, replace all. */
export function payloadRoutes(deps: ControlDeps): Router {
  const router = newRouter();
  const { payloads } = deps.context;
  const body = jsonBody(deps.context.settings);
  /** Refuses payloads that would make the workspace too large to save (409), before they are stored. */
  const room = (next: readonly SavedPayload[]) => checkWorkspaceRoom(deps.workspace, { payloads: [...next] });
  const page = (): ItemsPage<SavedPayload> => {
    const items = payloads.list() as SavedPayload[];
    return { items, total: items.length };
  };

  router.get('/payloads', (ctx) => {
    ctx.body = page();
  });

  router.put('/payloads', body, (ctx) => {
    const { items } = parseRequestPart(PayloadsReplaceSchema, requestBody(ctx), 'body');
    storeErrorsAsHttp(items, () => payloads.replace(items, room), ['items']);
    ctx.body = page();
  });

  router.get('/payloads/:id', (ctx) => {
    const payload = payloads.get(ctx.params.id ?? '');
    if (!payload) throw new HttpError(404, `Saved payload not found: ${ctx.params.id}`);
    ctx.body = payload;
  });

  router.put('/payloads/:id', body, (ctx) => {
    const { id } = parseRequestPart(PathSchema, ctx.params, 'path');
    const input = requestBody(ctx);
    if (!input || typeof input !== 'object' || Array.isArray(input))
      throw new HttpError(422, 'Send the payload as a JSON object: {name, description?, kind, body}');
    const given = (input as { id?: unknown }).id;
    if (given !== undefined && given !== id)
      throw new RequestValidationError([pathIdMismatch(['body', 'id'], 'id', given, id)]);
    const { payload, created } = storeErrorsAsHttp(input, () => payloads.put({ ...input, id }, room));
    ctx.status = created ? 201 : 200;
    ctx.body = payload;
  });

  router.delete('/payloads/:id', (ctx) => {
    if (!payloads.delete(ctx.params.id ?? '')) throw new HttpError(404, `Saved payload not found: ${ctx.params.id}`);
    ctx.status = 204;
  });

  return router;
}
