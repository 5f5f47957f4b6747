import type Router from '@koa/router';
import { z } from 'zod';
import {
  PreferencesSchema,
  SESSION_TITLE_MAX,
  USER_NAME_MAX,
  type User,
  UserRoleSchema,
  UserSchema,
} from '../../../../shared/agora-model';
import { HttpError } from '../../../http/http-errors';
import { jsonBody } from '../../../http/json-body';
import { parseQueryAndBody, requestBody } from '../../../http/parse-query-and-body';
import { queryString } from '../../../http/query-params';
import { parseRequestPart } from '../../../http/validation';
import { newRouter } from '../../../support/koa-router-on-first-use';
import type { PackEnvironment } from '../../pack-definition';
import { type AgoraStore, DuplicateEmailError } from '../store/agora-store';
import { AGORA_AGENTS } from './agents-routes';

// AGORA's real servers (server-openai/src/agora_openai/api/server.py and server-langgraph/src/agora_langgraph/api/
// server.py, FastAPI) where they differ from its Python mock. These routes are tried before the mock's own, which
// answer everything else unchanged. docs/agora-real.md names the source of each behaviour.

/** What the real servers add to a new user's preferences (`default_preferences` in server.py). */
export const REAL_PREFERENCE_DEFAULTS = { interaction_mode: 'feedback', email_reports: true } as const;

/** The model `GET /agents` reports per agent (`agent["model"]` in agent_definitions.py: gpt-4o for every agent). */
const AGENT_MODEL = 'gpt-4o';

const UserIdQuery = z.object({ user_id: queryString() });

/** `PUT /users/{user_id}`: `name: str | None = Query(None)`, `role: str | None = Query(None)`; no body. */
const UpdateUserQuery = z.object({
  name: queryString().pipe(z.string().min(1).max(USER_NAME_MAX)).optional(),
  role: queryString().pipe(UserRoleSchema).optional(),
});

/** `CreateUserRequest`: email, name, `role = "inspector"`. */
const CreateUserBody = z.object({
  email: UserSchema.shape.email,
  name: UserSchema.shape.name,
  role: UserRoleSchema.default('inspector'),
});

/** `UpdateSessionRequest`: `title: str | None = Field(None, max_length=200)`. */
const UpdateSessionBody = z.object({ title: z.string().max(SESSION_TITLE_MAX).nullish() });

/** `UpdatePreferencesRequest`: seven optional fields, values checked after (400); other fields ignored. */
const PreferencesBody = z.object({
  theme: z.string().nullish(),
  notifications_enabled: z.boolean().nullish(),
  default_agent_id: PreferencesSchema.shape.default_agent_id.nullish(),
  language: PreferencesSchema.shape.language.nullish(),
  spoken_text_type: z.string().nullish(),
  interaction_mode: z.string().nullish(),
  email_reports: z.boolean().nullish(),
});

/** The real servers' checks, in their order, with their messages (each a 400). */
const PREFERENCE_VALUES: readonly [
  field: 'theme' | 'spoken_text_type' | 'interaction_mode',
  allowed: string[],
  detail: string,
][] = [
  ['theme', ['light', 'dark', 'system'], "theme must be 'light', 'dark', or 'system'"],
  ['spoken_text_type', ['dictate', 'summarize'], "spoken_text_type must be 'dictate' or 'summarize'"],
  ['interaction_mode', ['feedback', 'listen'], "interaction_mode must be 'feedback' or 'listen'"],
];

const userNotFound = () => new HttpError(404, 'User not found');

/** Users as the real servers return them: the `role` column defaults to 'inspector'. */
function withRole(user: User): User {
  return { ...user, role: user.role ?? 'inspector' };
}

/** The real servers' REST differences, in front of the mock's routes. */
export function realServerRoutes(store: AgoraStore, environment: PackEnvironment): Router {
  const router = newRouter();
  const body = jsonBody(environment.settings);

  const agents = JSON.stringify({
    active_agents: AGORA_AGENTS.map(({ id, name, description }) => ({ id, name, model: AGENT_MODEL, description })),
    inactive_agents: [],
  });
  router.get('/agents', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = agents;
  });

  router.put('/sessions/:sessionId', body, (ctx) => {
    const { title } = parseRequestPart(UpdateSessionBody, requestBody(ctx), 'body');
    if (title === null || title === undefined) throw new HttpError(400, 'No update fields provided');
    const session = store.updateSession(ctx.params.sessionId ?? '', { title });
    if (!session) throw new HttpError(404, 'Session not found');
    ctx.body = { success: true, session };
  });

  router.get('/users', (ctx, next) =>
    next().then(() => {
      const page = ctx.body as { users?: User[] } | undefined;
      if (ctx.status === 200 && page?.users) page.users = page.users.map(withRole);
    }),
  );

  router.get('/users/me', (ctx) => {
    const { user_id } = parseRequestPart(UserIdQuery, ctx.query, 'query');
    const user = store.getUser(user_id);
    if (!user) throw userNotFound();
    ctx.body = withRole(user);
  });

  router.put('/users/me/preferences', body, (ctx) => {
    const { query, body: sent } = parseQueryAndBody(ctx, UserIdQuery, PreferencesBody);
    for (const [field, allowed, detail] of PREFERENCE_VALUES) {
      const value = sent[field];
      if (value !== null && value !== undefined && !allowed.includes(value)) throw new HttpError(400, detail);
    }
    if (!store.getUser(query.user_id)) throw userNotFound();
    const patch = Object.fromEntries(Object.entries(sent).filter(([, value]) => value !== null && value !== undefined));
    if (Object.keys(patch).length === 0) throw new HttpError(400, 'No preferences provided');
    const preferences = store.updatePreferences(query.user_id, patch);
    if (!preferences) throw userNotFound();
    ctx.body = { success: true, preferences };
  });

  router.post('/users', body, (ctx) => {
    const input = parseRequestPart(CreateUserBody, requestBody(ctx), 'body');
    try {
      const user = store.createUser({ ...input, preferences: { ...REAL_PREFERENCE_DEFAULTS } });
      ctx.status = 201;
      ctx.body = { success: true, user: withRole(user) };
    } catch (error) {
      if (error instanceof DuplicateEmailError) throw new HttpError(409, 'Email already exists');
      throw error;
    }
  });

  router.get('/users/:userId', (ctx) => {
    const user = store.getUser(ctx.params.userId ?? '');
    if (!user) throw userNotFound();
    ctx.body = { success: true, user: withRole(user) };
  });

  router.put('/users/:userId', (ctx) => {
    const { name, role } = parseRequestPart(UpdateUserQuery, ctx.query, 'query');
    const id = ctx.params.userId ?? '';
    // Nothing to change: the real UserManager returns the user as it is (lastActivity untouched).
    const user = name === undefined && role === undefined ? store.getUser(id) : store.updateUser(id, { name, role });
    if (!user) throw userNotFound();
    ctx.body = { success: true, user: withRole(user) };
  });

  return router;
}
