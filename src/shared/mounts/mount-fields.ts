import { z } from 'zod';
import { nameText } from '../name-text';
import { isUrlPathUnder } from '../url-path-under';

/**
 * Fields every mount shares. A mount is one thing served on the engine's port — an HTTP route, a collection, a
 * static folder, a WebSocket endpoint, an AG-UI agent — kept in the workspace as data and matched in one table.
 */

/** Stable ids name mounts in logs, URLs of the control API and diffs: lower-case, digits and dashes. */
export const MountIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -, starting with a letter or digit')
  .max(100);

/** Path segments a URL parser resolves away: `.` and `..`, as written or percent-encoded. */
const DOT_SEGMENTS: ReadonlySet<string> = new Set(['.', '%2e', '..', '.%2e', '%2e.', '%2e%2e']);

/** Paths under this prefix belong to the console; no mount may take them. */
export const CONSOLE_PATH_PREFIX = '/__console';

/**
 * A URL path pattern (path-to-regexp syntax, as Express 5 and Koa use it): literal segments, `:name` parameters,
 * `*name` wildcards that take the rest of the path, `{…}` optional parts. Checked when stored.
 */
export const PathPatternSchema = z
  .string()
  .min(1)
  .max(2000)
  // A regex, not `.startsWith('/')`: zod writes that one into JSON Schema as `"format": "starts_with"`, a format
  // no validator knows (ajv refuses to compile the schema in its default strict mode).
  .regex(/^\//, 'a path starts with /')
  .refine(
    (path) => !isUrlPathUnder(path, CONSOLE_PATH_PREFIX),
    `paths under ${CONSOLE_PATH_PREFIX} belong to the console`,
  )
  // Clients resolve these before sending (RFC 3986 dot segments; `%2e` too, as URL parsers read it): a mount at
  // `/a/../b` would be reached only by a request sent raw, never by a browser, fetch or curl.
  .refine(
    (path) => !path.split('/').some((segment) => DOT_SEGMENTS.has(segment.toLowerCase())),
    'a path segment "." or ".." is resolved by clients before they send a request (`/a/../b` is sent as `/b`), so no request would reach it: write the path without it',
  )
  .describe(
    'URL path pattern: literal segments, `:name` parameters (`/items/:id`), `*name` wildcards for the rest of ' +
      'the path (`/files/*path`), `{…}` optional parts (`/items{/:id}`). Paths under /__console are reserved.',
  );

/** The longest name a mount may have (characters). */
export const MOUNT_NAME_MAX = 200;

/** The fields at the head of every mount, in the order files show them. */
export const mountHead = {
  id: MountIdSchema.describe('Stable id, unique in its list: names the mount in logs, the console and the API.'),
  name: nameText(MOUNT_NAME_MAX).optional().describe('A label for people; the id is shown when it is missing.'),
  description: z.string().max(4000).optional().describe('What this mount is for (shown in the console).'),
  enabled: z.boolean().default(true).describe('A disabled mount is kept in the file but not served.'),
};

/**
 * Ids must be unique within each list of a workspace; reports each duplicate at its place. Checked even when other
 * parts of the value have problems (see `WITH_OTHER_PROBLEMS`), so `items` may hold anything: only string ids count.
 */
export function refineUniqueIds(items: unknown, ctx: z.RefinementCtx, path: (string | number)[], what: string): void {
  if (!Array.isArray(items)) return;
  const seen = new Set<string>();
  items.forEach((item: unknown, index) => {
    const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
    if (typeof id !== 'string') return;
    if (seen.has(id))
      ctx.addIssue({ code: 'custom', path: [...path, index, 'id'], message: `duplicate ${what} id '${id}'` });
    seen.add(id);
  });
}

/**
 * For a refinement that checks a list: zod skips refinements once anything inside has a problem that stops parsing
 * (a wrong type anywhere: `"speed": "fast"`), so a duplicate id would only show up in a later round, after the others
 * were fixed. With this it runs on whatever parsed; its function must then take the value as possibly malformed.
 */
export const WITH_OTHER_PROBLEMS = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};

/** A user's regular expression as a mount keeps it (compiled with RE2 when stored); each use says what it matches. */
export const UserRegexTextSchema = z.string().min(1).max(1000);
