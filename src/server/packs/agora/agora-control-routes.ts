import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { HistoryMessage, SessionMetadata, User } from '../../../shared/agora-model';
import {
  type ConsoleUser,
  HistoryReplaceSchema,
  type ItemsPage,
  NewSessionSchema,
  NewUserSchema,
  SessionEditSchema,
  UserEditSchema,
} from '../../../shared/control-api';
import { HttpError } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { queryString } from '../../http/query-params';
import { parseRequestPart } from '../../http/validation';
import { newRouter } from '../../support/koa-router-on-first-use';
import type { PackEnvironment } from '../pack-definition';
import { type Admit, type AgoraStore, DuplicateEmailError, DuplicateSessionError } from './store/agora-store';

const SessionsQuerySchema = z.object({ userId: queryString().optional() });

/** Store errors that are the client's fault, as 409s; anything else stays a 500. */
function conflictsAs409<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof DuplicateEmailError) throw new HttpError(409, `Email already exists: ${error.email}`);
    if (error instanceof DuplicateSessionError) throw new HttpError(409, error.message);
    throw error;
  }
}

function consoleUser(store: AgoraStore, user: User): ConsoleUser {
  return { ...user, isCurrentUser: store.currentUser()?.id === user.id };
}

function userFrom(ctx: Context, store: AgoraStore): User {
  const user = store.getUser(ctx.params.id ?? '');
  if (!user) throw new HttpError(404, `User not found: ${ctx.params.id}`);
  return user;
}

function sessionFrom(ctx: Context, store: AgoraStore): SessionMetadata {
  const session = store.getSession(ctx.params.id ?? '');
  if (!session) throw new HttpError(404, `Session not found: ${ctx.params.id}`);
  return session;
}

/**
 * The console's editor for what the mocked REST API serves: users (and which one is "me"), sessions and
 * their histories, reset to the seed. Changes apply at once and are announced on the live feed.
 */
export function agoraControlRoutes(store: AgoraStore, environment: PackEnvironment): Router {
  const router = newRouter();
  const body = jsonBody(environment.settings);
  /** An edit that would make the workspace too large to save is refused (409) before it is stored. */
  const room: Admit = (data) => environment.checkDataRoom?.(data);

  router.get('/state/users', (ctx) => {
    const { users, totalCount } = store.listUsers({ limit: Number.MAX_SAFE_INTEGER, offset: 0 });
    ctx.body = {
      items: users.map((user) => consoleUser(store, user)),
      total: totalCount,
    } satisfies ItemsPage<ConsoleUser>;
  });

  router.post('/state/users', body, (ctx) => {
    const input = parseRequestPart(NewUserSchema, requestBody(ctx), 'body');
    const user = conflictsAs409(() => store.createUser(input, room));
    if (input.isCurrentUser) store.setCurrentUser(user.id);
    ctx.status = 201;
    ctx.body = consoleUser(store, user);
  });

  router.get('/state/users/:id', (ctx) => {
    ctx.body = consoleUser(store, userFrom(ctx, store));
  });

  router.put('/state/users/:id', body, (ctx) => {
    const current = userFrom(ctx, store);
    const { isCurrentUser, ...patch } = parseRequestPart(UserEditSchema, requestBody(ctx), 'body');
    const hasPatch = Object.values(patch).some((value) => value !== undefined);
    const user = hasPatch ? (conflictsAs409(() => store.updateUser(current.id, patch, room)) ?? current) : current;
    if (isCurrentUser === true) store.setCurrentUser(user.id);
    else if (isCurrentUser === false && store.currentUser()?.id === user.id) store.setCurrentUser(null);
    ctx.body = consoleUser(store, user);
  });

  router.delete('/state/users/:id', (ctx) => {
    const user = userFrom(ctx, store);
    ctx.body = store.deleteUser(user.id);
  });

  router.get('/state/sessions', (ctx) => {
    const { userId } = parseRequestPart(SessionsQuerySchema, ctx.query, 'query');
    const items = userId
      ? store.listSessions(userId, { limit: Number.MAX_SAFE_INTEGER, offset: 0 }).sessions
      : store.listAllSessions();
    ctx.body = { items, total: items.length } satisfies ItemsPage<SessionMetadata>;
  });

  router.post('/state/sessions', body, (ctx) => {
    const input = parseRequestPart(NewSessionSchema, requestBody(ctx), 'body');
    ctx.status = 201;
    ctx.body = conflictsAs409(() => store.createSession(input, room));
  });

  router.get('/state/sessions/:id', (ctx) => {
    ctx.body = sessionFrom(ctx, store);
  });

  router.put('/state/sessions/:id', body, (ctx) => {
    const session = sessionFrom(ctx, store);
    const edit = parseRequestPart(SessionEditSchema, requestBody(ctx), 'body');
    ctx.body = store.updateSession(session.sessionId, edit, room);
  });

  router.delete('/state/sessions/:id', (ctx) => {
    store.deleteSession(sessionFrom(ctx, store).sessionId);
    ctx.status = 204;
  });

  router.get('/state/sessions/:id/history', (ctx) => {
    const session = sessionFrom(ctx, store);
    const items = store.getHistory(session.sessionId, { includeTools: true }) ?? [];
    ctx.body = { items: [...items], total: items.length } satisfies ItemsPage<HistoryMessage>;
  });

  router.put('/state/sessions/:id/history', body, (ctx) => {
    const session = sessionFrom(ctx, store);
    const { messages } = parseRequestPart(HistoryReplaceSchema, requestBody(ctx), 'body');
    const updated = store.replaceHistory(session.sessionId, messages, room);
    ctx.body = { session: updated, items: messages, total: messages.length };
  });

  router.post('/state/reset', (ctx) => {
    store.reset();
    ctx.body = {
      users: store.listUsers({ limit: 1, offset: 0 }).totalCount,
      sessions: store.listAllSessions().length,
    };
  });

  return router;
}
