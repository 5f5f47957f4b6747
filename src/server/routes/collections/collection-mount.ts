import { isDeepStrictEqual } from 'node:util';
import type { Context } from 'koa';
import type { Collection } from '../../../shared/mounts/collection';
import { RequestValidationError } from '../../http/http-errors';
import { readRequestBody } from '../../http/request-body';
import { requestOrigin } from '../../http/request-origin';
import { regexBudgetOf, withinRegexBudget } from '../../support/user-regex';
import type { IssuePath } from '../../world/mount-validation-error';
import { setAnsweredBy } from '../answered-by';
import { bodyIssue } from '../body-issues';
import type { HttpMountEnv, MountCompileTools } from '../mount-compile-tools';
import { type CompiledPathPattern, compilePathPattern, encodedPathText } from '../path-pattern';
import { listRecords } from './collection-query';
import { CollectionStore } from './collection-store';
import { parseIdText } from './record-ids';
import { recordSchemaConflicts } from './record-schema-conflicts';

/** A collection served over HTTP: `<path>` (list, create) and `<path>/:id` (get, replace, patch, delete). */
export interface CollectionMount {
  /** What it was compiled from: its name, switch and path may differ from its store's, which an edit of those kept. */
  readonly collection: Collection;
  readonly store: CollectionStore;
  /** The base path without a trailing slash (`/items`). */
  readonly path: string;
  readonly listPattern: CompiledPathPattern;
  readonly itemPattern: CompiledPathPattern;
}

export const LIST_METHODS = ['GET', 'HEAD', 'POST'] as const;
export const ITEM_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'] as const;
const ID_PARAM = 'id';

/**
 * Compiles a collection: a literal path, a JSON Schema that compiles and can take the records the engine makes (an
 * object with its id), records that satisfy it with unique ids.
 */
export function compileCollection(collection: Collection, at: IssuePath, tools: MountCompileTools): CollectionMount {
  const paths = collectionPaths(collection, at, tools);
  // A JSON body with that key is refused (it could become an object's prototype), so no record could ever hold it.
  if (collection.idField === '__proto__')
    tools.issues.add(
      [...at, 'idField'],
      'records cannot hold their id in "__proto__": a JSON body with that key is refused (it could set an object\'s prototype); name the id field otherwise ("id")',
    );
  let check: ReturnType<typeof tools.schemas.compile> | undefined;
  if (collection.schema) {
    try {
      check = tools.schemas.compile(collection.schema, 'json');
    } catch (error) {
      tools.issues.add([...at, 'schema'], `invalid JSON Schema: ${(error as Error).message}`);
    }
  }
  // Refused now, not by every write: a schema no record the engine makes can satisfy.
  for (const { path, message } of check ? recordSchemaConflicts(collection, check) : [])
    tools.issues.add([...at, ...path], message);
  const store = new CollectionStore(collection, check, tools.env.settings, tools.collectionData);
  const { checked, issues } = store.checkAll(collection.records);
  for (const issue of issues)
    tools.issues.add([...at, 'records', ...issue.loc.slice(1)], issue.msg.replace(/^Value error, /, ''));
  store.load(checked);
  return { collection, store, ...paths };
}

/**
 * `served` with `collection`'s name, description, switch and path, its store (records and all) as it is: what an
 * edit that changed only those (`servedAsIs`) compiles.
 */
export function remountCollection(
  served: CollectionMount,
  collection: Collection,
  at: IssuePath,
  tools: MountCompileTools,
): CollectionMount {
  if (served.collection === collection) return served;
  return { collection, store: served.store, ...collectionPaths(collection, at, tools) };
}

/** A collection's literal base path and the patterns of its list and its items. */
function collectionPaths(collection: Collection, at: IssuePath, tools: MountCompileTools) {
  const path = collection.path.replace(/\/+$/, '');
  let listPattern = compilePathPattern('/');
  let itemPattern = compilePathPattern(`/:${ID_PARAM}`);
  try {
    listPattern = compilePathPattern(path || '/');
    itemPattern = compilePathPattern(`${path}/:${ID_PARAM}`);
    if (listPattern.shapes.some((shape) => shape.some((segment) => segment.kind !== 'literal')))
      tools.issues.add([...at, 'path'], 'a collection path is literal (`/items`); its records are at `/items/:id`');
  } catch (error) {
    tools.issues.add([...at, 'path'], `invalid path: ${(error as Error).message}`);
  }
  return { path, listPattern, itemPattern };
}

/**
 * Whether compiling `collection` would give the store `mount` serves now, so that it can be kept, records and all:
 * the same id, id field, id type and schema, and its records those the store holds now, in order (the same objects
 * when the world's own definitions are edited; equal ones when the console sends the section back as JSON). A name,
 * a description, the switch or the path may differ: they are the mount's (`remountCollection`), not the store's. A
 * renamed id or another schema is a collection compiled again.
 */
export function servedAsIs(mount: CollectionMount, collection: Collection): boolean {
  const { store } = mount;
  const held = store.list();
  return (
    collection.id === store.id &&
    collection.idField === store.idField &&
    collection.idType === store.idType &&
    isDeepStrictEqual(collection.schema, store.definition.schema) &&
    collection.records.length === held.length &&
    collection.records.every((record, index) => record === held[index] || isDeepStrictEqual(record, held[index]))
  );
}

/** Answers a request the list or item pattern matched; false for a method the collection does not serve. */
export async function answerCollection(
  ctx: Context,
  mount: CollectionMount,
  itemId: string | undefined,
  env: HttpMountEnv,
): Promise<boolean> {
  const { store } = mount;
  const methods: readonly string[] = itemId === undefined ? LIST_METHODS : ITEM_METHODS;
  if (!methods.includes(ctx.method)) return false;
  setAnsweredBy(ctx, { kind: 'collection', id: store.id });
  // Schema patterns and `_like` filters draw on the request's one regex budget, with the routes tried before.
  const budgeted = <T>(work: () => T): T => withinRegexBudget(work, regexBudgetOf(ctx));
  if (itemId === undefined) {
    if (ctx.method === 'POST') {
      const body = await jsonBody(ctx, env);
      const record = budgeted(() => store.create(body));
      ctx.status = 201;
      ctx.set('Location', recordLocation(mount.path, record[store.idField]));
      ctx.body = record;
      return true;
    }
    const { items, total, page } = budgeted(() => listRecords(store.list(), ctx.query));
    ctx.set('X-Total-Count', String(total));
    ctx.set('Access-Control-Expose-Headers', 'X-Total-Count, Link');
    if (page) ctx.set('Link', pageLinks(ctx, page));
    ctx.body = items;
    return true;
  }
  const id = parseIdText(itemId, store.idType, ['path', store.idField]);
  if (typeof id === 'object') throw new RequestValidationError([id]);
  switch (ctx.method) {
    case 'PUT': {
      const body = await jsonBody(ctx, env);
      ctx.body = budgeted(() => store.replace(id, body));
      return true;
    }
    case 'PATCH': {
      const body = await jsonBody(ctx, env);
      ctx.body = budgeted(() => store.patch(id, body));
      return true;
    }
    case 'DELETE':
      store.remove(id);
      ctx.status = 204;
      return true;
    default:
      ctx.body = store.find(id);
      return true;
  }
}

async function jsonBody(ctx: Context, env: HttpMountEnv): Promise<unknown> {
  const body = await readRequestBody(ctx, env.settings());
  const problem = bodyIssue(body, { required: true, jsonOnly: true });
  if (problem) throw new RequestValidationError([problem]);
  // Text is checked as the text it is, as FastAPI does: the store answers `model_attributes_type` with it as input.
  return body.kind === 'json' || body.kind === 'text' ? body.value : undefined;
}

/**
 * A new record's URL, percent-encoded (a header carries ASCII; a path may hold any character, the id too): the
 * list path as requests carry it, as the mount table files it.
 */
function recordLocation(listPath: string, id: unknown): string {
  return `${encodedPathText(listPath)}/${encodeURIComponent(String(id))}`;
}

/** json-server's pagination links: first, prev, next, last. */
function pageLinks(ctx: Context, { page, limit, pages }: { page: number; limit: number; pages: number }): string {
  // Absolute as json-server's; relative (which RFC 8288 allows) when the Host header cannot make an origin.
  const origin = requestOrigin(ctx.req) ?? '';
  const link = (target: number, rel: string) => {
    const params = new URLSearchParams(ctx.querystring);
    params.set('_page', String(target));
    params.set('_limit', String(limit));
    params.delete('_per_page');
    return `<${origin}${ctx.path}?${params}>; rel="${rel}"`;
  };
  const last = Math.max(1, pages);
  const links = [link(1, 'first')];
  if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'));
  if (page < last) links.push(link(page + 1, 'next'));
  links.push(link(last, 'last'));
  return links.join(', ');
}
