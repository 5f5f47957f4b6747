import { z } from 'zod';

/**
 * Fields every mount shares. A mount is one thing served on the engine's port — an HTTP route, a collection, a
 * static folder, a WebSocket endpoint, an AG-UI agent — kept in the workspace as data and matched in one table.
 */

/** Stable ids name mounts in logs, URLs of the control API and diffs: lower-case, digits and dashes. */
export const MountIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -, starting with a letter or digit')
  .max(100);

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
  .startsWith('/', 'a path starts with /')
  .refine(
    (path) => path !== CONSOLE_PATH_PREFIX && !path.startsWith(`${CONSOLE_PATH_PREFIX}/`),
    `paths under ${CONSOLE_PATH_PREFIX} belong to the console`,
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
  name: z.string().max(MOUNT_NAME_MAX).optional().describe('A label for people; the id is shown when it is missing.'),
  description: z.string().max(4000).optional().describe('What this mount is for (shown in the console).'),
  enabled: z.boolean().default(true).describe('A disabled mount is kept in the file but not served.'),
};

/** Ids must be unique within each list of a workspace; reports each duplicate at its place. */
export function refineUniqueIds(
  items: readonly { id: string }[],
  ctx: z.RefinementCtx,
  path: (string | number)[],
  what: string,
): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.id))
      ctx.addIssue({ code: 'custom', path: [...path, index, 'id'], message: `duplicate ${what} id '${item.id}'` });
    seen.add(item.id);
  });
}

/** A user's regular expression as a mount keeps it (compiled with RE2 when stored); each use says what it matches. */
export const UserRegexTextSchema = z.string().min(1).max(1000);
