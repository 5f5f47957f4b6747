import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { ItemsPage } from '../../../shared/control-api';
import { AgentSchema } from '../../../shared/mounts/agent';
import { CollectionSchema } from '../../../shared/mounts/collection';
import { MOUNT_NAME_MAX, refineUniqueIds } from '../../../shared/mounts/mount-fields';
import { type Mount, type MountSection, SECTION_URLS } from '../../../shared/mounts/mount-sections';
import { RouteSchema } from '../../../shared/mounts/route';
import { SocketEndpointSchema } from '../../../shared/mounts/socket-endpoint';
import { StaticFolderSchema } from '../../../shared/mounts/static-folder';
import { HttpError, RequestValidationError, type ValidationIssue } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { pathIdMismatch } from '../../http/path-id-mismatch';
import { dottedPathKeys, parseRequestPart, valueAt } from '../../http/validation';
import { newRouter } from '../../support/koa-router-on-first-use';
import { MountValidationError } from '../../world/mount-validation-error';
import type { ControlDeps } from '../control-deps';
import { freeId } from './free-id';
import { checkWorkspaceRoom } from './workspace-room';

/**
 * The sections of mounts the console edits, by their URL name. `item`: one mount, as the workspace's problems name
 * it (`duplicate socket id 'a'`). `onePerPath`: the first enabled mount at a path answers every request there
 * (`flagShadowedPaths`), so a second enabled one at the same path is refused.
 */
const SECTIONS: readonly {
  section: MountSection;
  schema: z.ZodType<Mount>;
  what: string;
  item: string;
  onePerPath?: true;
}[] = [
  { section: 'routes', schema: RouteSchema as z.ZodType<Mount>, what: 'Route', item: 'route' },
  {
    section: 'collections',
    schema: CollectionSchema as z.ZodType<Mount>,
    what: 'Collection',
    item: 'collection',
    onePerPath: true,
  },
  {
    section: 'staticFolders',
    schema: StaticFolderSchema as z.ZodType<Mount>,
    what: 'Static folder',
    item: 'static folder',
  },
  {
    section: 'sockets',
    schema: SocketEndpointSchema as z.ZodType<Mount>,
    what: 'Socket endpoint',
    item: 'socket',
    onePerPath: true,
  },
  { section: 'agents', schema: AgentSchema as z.ZodType<Mount>, what: 'Agent', item: 'agent', onePerPath: true },
];

/**
 * The workspace's mounts, section by section, as data: list, read, create, replace (renaming by the body's id),
 * delete, duplicate, and replace a whole section (to reorder); and each kind's JSON Schema, for editors. Every write is compiled with the rest of the world
 * first: what would not serve is refused with 422 naming each problem's field, what would make the workspace too
 * large to save with 409, and nothing changes.
 */
export function mountRoutes({ context, workspace }: ControlDeps): Router {
  const router = newRouter();
  const body = jsonBody(context.settings);
  const { world } = context;

  for (const { section, schema, what, item, onePerPath } of SECTIONS) {
    const url = SECTION_URLS[section];
    // A list with an id twice is a body that does not validate: 422 at the second one, as `validate` words it.
    const listSchema = z
      .strictObject({ items: z.array(schema) })
      .superRefine((list, ctx) => refineUniqueIds(list.items, ctx, ['items'], item));
    const items = () => world.definitions()[section] as Mount[];
    const indexOf = (ctx: Context) => {
      const index = items().findIndex((item) => item.id === ctx.params.id);
      if (index === -1) throw new HttpError(404, `${what} not found: ${ctx.params.id}`);
      return index;
    };
    /**
     * Compiles the section as it would be; a problem in item `index` is reported under `body`, echoing the value there
     * in `sent` (the request's body as sent, or what stands for it). A section that would make the workspace too
     * large to save is refused first (409).
     */
    const store = (
      next: Mount[],
      index: number | 'all',
      sent: unknown = index === 'all' ? { items: next } : next[index],
    ) => {
      checkWorkspaceRoom(workspace, { [section]: next });
      try {
        world.replaceSection(section, next as never);
      } catch (error) {
        if (!(error instanceof MountValidationError)) throw error;
        const document = { ...world.definitions(), [section]: next };
        throw new RequestValidationError(
          error.issues.map((issue) => locatedIssue(issue, section, index, { sent, workspace: document })),
        );
      }
    };
    const duplicateId = (id: string, except?: number) => {
      if (items().some((item, index) => item.id === id && index !== except))
        throw new HttpError(409, `${what} ${JSON.stringify(id)} already exists: choose another id`);
    };

    router.get(`/${url}`, (ctx) => {
      const list = items();
      ctx.body = { items: list, total: list.length } satisfies ItemsPage<Mount>;
    });

    router.put(`/${url}`, body, (ctx) => {
      const { items: next } = parseRequestPart(listSchema, requestBody(ctx), 'body');
      store(next, 'all', requestBody(ctx));
      ctx.body = { items: items(), total: next.length } satisfies ItemsPage<Mount>;
    });

    // Before `/:id`: the editor's schema help (a mount whose id is `schema` is read from the list).
    let jsonSchema: unknown;
    router.get(`/${url}/schema`, (ctx) => {
      jsonSchema ??= z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', cycles: 'ref' });
      ctx.body = jsonSchema;
    });

    router.get(`/${url}/:id`, (ctx) => {
      ctx.body = items()[indexOf(ctx)];
    });

    router.post(`/${url}`, body, (ctx) => {
      const item = parseRequestPart(schema, requestBody(ctx), 'body');
      duplicateId(item.id);
      const next = [...items(), item];
      store(next, next.length - 1, requestBody(ctx));
      ctx.status = 201;
      ctx.body = items().at(-1);
    });

    router.put(`/${url}/:id`, body, (ctx) => {
      const item = parseRequestPart(schema, requestBody(ctx), 'body');
      const current = items();
      const index = current.findIndex((candidate) => candidate.id === ctx.params.id);
      // A mount there may be renamed; one made here takes the path's id (else racing renames would add mounts).
      if (index === -1 && item.id !== ctx.params.id)
        throw new RequestValidationError([pathIdMismatch(['body', 'id'], 'id', item.id, ctx.params.id)]);
      duplicateId(item.id, index);
      const next = index === -1 ? [...current, item] : current.map((old, at) => (at === index ? item : old));
      store(next, index === -1 ? next.length - 1 : index, requestBody(ctx));
      ctx.status = index === -1 ? 201 : 200;
      ctx.body = items()[index === -1 ? next.length - 1 : index];
    });

    router.delete(`/${url}/:id`, (ctx) => {
      const index = indexOf(ctx);
      store(
        items().filter((_item, at) => at !== index),
        'all',
      );
      ctx.status = 204;
    });

    router.post(`/${url}/:id/duplicate`, (ctx) => {
      const index = indexOf(ctx);
      const current = items();
      const original = current[index] as Mount;
      const taken = new Set(current.map((item) => item.id));
      const id = freeId(`${original.id}-copy`, (candidate) => taken.has(candidate));
      // Checked as any new mount is: a copy must be as storable as what the console sends.
      const copy = parseRequestPart(
        schema,
        {
          ...structuredClone(original),
          id,
          ...(original.name !== undefined && { name: copyName(original.name) }),
          // At its original's path it would never be reached: stored switched off, a version to edit or switch to.
          ...(onePerPath && { enabled: false }),
        },
        'body',
      );
      const next = [...current.slice(0, index + 1), copy, ...current.slice(index + 1)];
      store(next, index + 1);
      ctx.status = 201;
      ctx.body = items()[index + 1];
    });
  }
  return router;
}

/** `name (copy)`, the name shortened to leave room for the suffix (never half of a UTF-16 pair). */
function copyName(name: string): string {
  const suffix = ' (copy)';
  let head = name.slice(0, MOUNT_NAME_MAX - suffix.length);
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return `${head}${suffix}`;
}

/**
 * A world problem (`routes.3.responses.0.body`) as FastAPI locates it in the request body, with the value there as
 * its `input` (FastAPI echoes what it refused): from the body as `sent`, or, elsewhere in the workspace, from the
 * workspace as it would be.
 */
function locatedIssue(
  issue: { path: string; message: string },
  section: MountSection,
  index: number | 'all',
  values: { sent: unknown; workspace: unknown },
): ValidationIssue {
  const parts = dottedPathKeys(issue.path);
  const inSection = parts[0] === section;
  let loc: (string | number)[];
  let input: unknown;
  if (inSection && index === 'all') {
    loc = ['body', 'items', ...parts.slice(1)];
    input = valueAt(values.sent, loc.slice(1));
  } else if (inSection && parts[1] === index) {
    loc = ['body', ...parts.slice(2)];
    input = valueAt(values.sent, loc.slice(1));
  } else {
    loc = ['workspace', ...parts];
    input = valueAt(values.workspace, parts);
  }
  return { type: 'value_error', loc, msg: issue.message, input: input ?? null };
}
