import type Router from '@koa/router';
import { z } from 'zod';
import { PreferencesSchema, USER_NAME_MAX, UserSchema } from '../../../../shared/agora-model';
import { HttpError } from '../../../http/http-errors';
import { jsonBody } from '../../../http/json-body';
import { parseQueryAndBody, requestBody } from '../../../http/parse-query-and-body';
import { queryInteger, queryString } from '../../../http/query-params';
import { parseRequestPart } from '../../../http/validation';
import { newRouter } from '../../../support/koa-router-on-first-use';
import type { PackEnvironment } from '../../pack-definition';
import type { AgoraStore } from '../store/agora-store';
import { DuplicateEmailError } from '../store/agora-store';

const PageQuery = z.object({
  limit: queryInteger({ min: 1, max: 100 }).default(50),
  offset: queryInteger({ min: 0 }).default(0),
});

const UserIdQuery = z.object({ user_id: queryString() });

const CreateUserBody = z.object({ email: UserSchema.shape.email, name: UserSchema.shape.name });

/** Known fields may be null, meaning "unchanged", as for the mock's `Optional[...] = None` fields. */
const UpdateUserBody = z.object({
  name: z.string().min(1).max(USER_NAME_MAX).nullish(),
  preferences: PreferencesSchema.partial().nullish(),
});

/**
 * `PUT /users/me/preferences`: types are checked here (422); theme and spoken_text_type values only after,
 * against the stored schema, because AGORA's mock answers those with a 400 and its own message.
 * Unknown fields (HAI's `email_reports`) are kept as sent, null included.
 */
const PreferencesBody = z.looseObject({
  theme: z.string().nullish(),
  notifications_enabled: z.boolean().nullish(),
  default_agent_id: PreferencesSchema.shape.default_agent_id.nullish(),
  language: PreferencesSchema.shape.language.nullish(),
  spoken_text_type: z.string().nullish(),
});
const KNOWN_PREFERENCES: ReadonlySet<string> = new Set(Object.keys(PreferencesBody.shape));

/** The patch without the known fields sent as null (unchanged). */
function withoutNullKnownFields(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).filter(([key, value]) => value !== null || !KNOWN_PREFERENCES.has(key)),
  );
}

const userNotFound = () => new HttpError(404, 'User not found');

/** Built once: zod compiles a schema's parser on construction, far too slow per request. */
const PreferencesPatch = PreferencesSchema.partial();

/** `/users`: the current user, preferences, and the users themselves. `/users/me*` comes before `/users/:id`. */
export function userRoutes(store: AgoraStore, environment: PackEnvironment): Router {
  const router = newRouter();
  const body = jsonBody(environment.settings);

  router.get('/users/me', (ctx) => {
    const user = store.currentUser();
    if (!user) throw new HttpError(401, 'User not found');
    ctx.body = user;
  });

  router.get('/users/me/preferences', (ctx) => {
    const query = parseRequestPart(UserIdQuery, ctx.query, 'query');
    const preferences = store.getPreferences(query.user_id);
    if (!preferences) throw userNotFound();
    ctx.body = { success: true, preferences };
  });

  router.put('/users/me/preferences', body, (ctx) => {
    const { query, body: typed } = parseQueryAndBody(ctx, UserIdQuery, PreferencesBody);
    const patch = PreferencesPatch.safeParse(withoutNullKnownFields(typed));
    if (!patch.success) {
      const fields = new Set(patch.error.issues.map((issue) => issue.path[0]));
      if (fields.has('theme')) throw new HttpError(400, "theme must be 'light', 'dark', or 'system'");
      throw new HttpError(400, "spoken_text_type must be 'summarize' or 'dictate'");
    }
    const preferences = store.updatePreferences(query.user_id, patch.data);
    if (!preferences) throw userNotFound();
    ctx.body = { success: true, preferences };
  });

  router.post('/users', body, (ctx) => {
    const input = parseRequestPart(CreateUserBody, requestBody(ctx), 'body');
    try {
      const user = store.createUser(input);
      ctx.status = 201;
      ctx.body = { success: true, user };
    } catch (error) {
      if (error instanceof DuplicateEmailError) throw new HttpError(409, 'Email already exists');
      throw error;
    }
  });

  router.get('/users', (ctx) => {
    const page = parseRequestPart(PageQuery, ctx.query, 'query');
    const { users, totalCount } = store.listUsers(page);
    ctx.body = { success: true, users, totalCount };
  });

  router.get('/users/:userId', (ctx) => {
    const user = store.getUser(ctx.params.userId ?? '');
    if (!user) throw userNotFound();
    ctx.body = { success: true, user };
  });

  router.put('/users/:userId', body, (ctx) => {
    const patch = parseRequestPart(UpdateUserBody, requestBody(ctx), 'body');
    const user = store.updateUser(ctx.params.userId ?? '', {
      name: patch.name ?? undefined,
      preferences: patch.preferences ?? undefined,
    });
    if (!user) throw userNotFound();
    ctx.body = { success: true, user };
  });

  router.delete('/users/:userId', (ctx) => {
    const deleted = store.deleteUser(ctx.params.userId ?? '');
    if (!deleted) throw userNotFound();
    ctx.body = {
      success: true,
      message: 'User and associated sessions deleted',
      deletedSessionsCount: deleted.deletedSessionsCount,
    };
  });

  return router;
}
