import type Router from '@koa/router';
import { z } from 'zod';
import { HttpError } from '../../../http/http-errors';
import { jsonBody } from '../../../http/json-body';
import { requestBody } from '../../../http/parse-query-and-body';
import { queryBoolean, queryInteger, queryString } from '../../../http/query-params';
import { parseRequestPart } from '../../../http/validation';
import { newRouter } from '../../../support/koa-router-on-first-use';
import type { PackEnvironment } from '../../pack-definition';
import type { AgoraStore } from '../store/agora-store';

const ListSessionsQuery = z.object({
  user_id: queryString(),
  limit: queryInteger({ min: 1, max: 100 }).default(50),
  offset: queryInteger({ min: 0 }).default(0),
});

const HistoryQuery = z.object({ include_tools: queryBoolean().default(false) });

/**
 * The title is trimmed and cut to 200 characters by the store, so any string is accepted; null means
 * "unchanged", as for the mock's `Optional[str] = None`.
 */
const UpdateSessionBody = z.object({ title: z.string().nullish() });

const sessionNotFound = () => new HttpError(404, 'Session not found');

/** `/sessions`: a user's sessions, one session's history and metadata, renaming and deleting. */
export function sessionRoutes(store: AgoraStore, environment: PackEnvironment): Router {
  const router = newRouter();

  router.get('/sessions', (ctx) => {
    const query = parseRequestPart(ListSessionsQuery, ctx.query, 'query');
    const { sessions, totalCount } = store.listSessions(query.user_id, query);
    ctx.body = { success: true, sessions, totalCount };
  });

  router.get('/sessions/:sessionId/history', (ctx) => {
    const query = parseRequestPart(HistoryQuery, ctx.query, 'query');
    const sessionId = ctx.params.sessionId ?? '';
    const history = store.getHistory(sessionId, { includeTools: query.include_tools });
    if (!history) throw sessionNotFound();
    ctx.body = { success: true, threadId: sessionId, history, messageCount: history.length };
  });

  router.get('/sessions/:sessionId/metadata', (ctx) => {
    const session = store.getSession(ctx.params.sessionId ?? '');
    if (!session) throw sessionNotFound();
    ctx.body = { success: true, session };
  });

  router.put('/sessions/:sessionId', jsonBody(environment.settings), (ctx) => {
    const body = parseRequestPart(UpdateSessionBody, requestBody(ctx), 'body');
    const session = store.updateSession(ctx.params.sessionId ?? '', { title: body.title ?? undefined });
    if (!session) throw sessionNotFound();
    ctx.body = { success: true, session };
  });

  router.delete('/sessions/:sessionId', (ctx) => {
    if (!store.deleteSession(ctx.params.sessionId ?? '')) throw sessionNotFound();
    ctx.body = { success: true, message: 'Session deleted' };
  });

  return router;
}
