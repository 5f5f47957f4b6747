import type { Context, Middleware } from 'koa';
import type { Collection } from '../../shared/mounts/collection';
import type { CollectionChange } from '../../shared/mounts/collection-change';
import type { MissReason, NearMiss } from '../../shared/mounts/match-report';
import type { Route } from '../../shared/mounts/route';
import type { StaticFolder } from '../../shared/mounts/static-folder';
import { regexBudgetOf, withinRegexBudget } from '../support/user-regex';
import { TemplateCounters } from '../templates/template-helpers';
import { type IssuePath, MountIssues } from '../world/mount-validation-error';
import { flagShadowedPaths } from '../world/shadowed-paths';
import {
  answerCollection,
  type CollectionMount,
  compileCollection,
  ITEM_METHODS,
  LIST_METHODS,
  remountCollection,
  servedAsIs,
} from './collections/collection-mount';
import type { CollectionStore } from './collections/collection-store';
import { type HttpMountEnv, type MountCompileTools, mountCompileTools } from './mount-compile-tools';
import { type NearMissCandidate, nearMisses } from './near-misses';
import { ANY_METHOD, PathIndex } from './path-index';
import type { CompiledPathPattern, PathMatch } from './path-pattern';
import { answerRoute, routeValues } from './route-answer';
import { RouteCompileCache } from './route-compile-cache';
import { type CompiledRoute, checkNamedFiles } from './route-compiler';
import {
  answerStatic,
  compileStaticFolder,
  STATIC_METHODS,
  type StaticFolderMount,
} from './static/static-folder-mount';

/** The user's HTTP mounts as a workspace holds them (parsed by their zod schemas, defaults filled in). */
export interface HttpMountParts {
  routes?: readonly Route[];
  collections?: readonly Collection[];
  staticFolders?: readonly StaticFolder[];
}

/** One row of the table: a pattern, the methods it is filed under, how it answers, how it explains a miss. */
export interface HttpEntry {
  readonly pattern: CompiledPathPattern;
  readonly methods: readonly string[];
  answer(ctx: Context, match: PathMatch): Promise<boolean>;
  readonly candidate: NearMissCandidate;
}

/**
 * The user's HTTP mounts, compiled and served: routes first (in list order), then collections, then static
 * folders. A request goes to the first that answers; what none answers goes on to the next middleware (packs,
 * then the 404 — which may call `explain` for the near misses). Compiling again from nothing (a workspace loaded)
 * starts counters and sequences over; compiling again from `previous` (an edit) keeps the `{{counter}}` values and
 * the `sequential` position of every route whose definition did not change, and does not compile those routes again;
 * likewise it keeps the store of every collection whose schema, ids and records did not change (`servedAsIs`: its
 * name, switch and path may), with what clients wrote and the id it gives next, rather than check and index its
 * records again.
 */
export class HttpMounts {
  private readonly index = new PathIndex<HttpEntry>();

  private readonly stores: ReadonlyMap<string, CollectionStore>;

  private constructor(
    /** What it was compiled with: an edit compiled with the same may keep its routes' entries. */
    private readonly env: HttpMountEnv,
    private readonly entries: readonly HttpEntry[],
    /** Each enabled route's entry, by its compiled route: an edit serves the routes it left with the same. */
    private readonly routeEntries: ReadonlyMap<CompiledRoute, HttpEntry>,
    /** The collections compiled, each with its store of records. */
    private readonly collectionMounts: readonly CollectionMount[],
    /** The routes compiled, with what they remember (their `sequential` position), for the next edit. */
    private readonly routeCache: RouteCompileCache,
    /** The routes' `{{counter}}` values (`route:<id>`, and named ones). */
    private readonly counters: TemplateCounters,
  ) {
    this.stores = new Map(collectionMounts.map((mount) => [mount.store.id, mount.store]));
    for (const [priority, entry] of entries.entries())
      this.index.add(entry, priority, entry.pattern.literalPrefix, entry.methods);
  }

  /**
   * Compiles every mount, disabled ones too (they must work when enabled). Throws one MountValidationError with
   * every problem, located from the workspace root (`at` when the parts are nested in it): `routes.2.path`. With
   * `previous` (the mounts served until now, to be replaced by these), what its routes remember carries over, and
   * its collections that did not change are served as they are, records and all, rather than compiled again from
   * `parts` (every record checked and indexed again: half a second for 50,000). Those move into the new mounts' room
   * once nothing can be refused: a refused edit leaves `previous` and its room exactly as they were. `check`: the
   * mounts are only checked (an import's dry run), never served, so `previous` keeps its collections' stores.
   */
  static compile(
    parts: HttpMountParts,
    env: HttpMountEnv,
    at: IssuePath = [],
    previous?: HttpMounts,
    { check = false } = {},
  ): HttpMounts {
    const tools = mountCompileTools(env);
    const { routes, cache } = RouteCompileCache.compile(
      parts.routes ?? [],
      tools,
      (index) => [...at, 'routes', index],
      previous?.routeCache,
    );
    const { mounts: collections, kept } = compileCollections(
      parts.collections ?? [],
      [...at, 'collections'],
      tools,
      previous?.collectionMounts ?? [],
    );
    const statics = (parts.staticFolders ?? []).map((folder, index) =>
      compileStaticFolder(folder, [...at, 'staticFolders', index], tools),
    );
    tools.issues.throwIfAny();
    // The room is shared by all of a world's collections: the new ones were charged to it as they loaded.
    if (!check) for (const mount of kept) mount.store.moveTo(tools.collectionData);
    const counters = previous?.counters ?? new TemplateCounters();
    // A route the edit left is compiled as it was (`RouteCompileCache`): its entry is too, rather than made again
    // for every route of the table (with 10,000 routes, most of an edit's time and garbage).
    const entriesKept = previous?.env === env ? previous.routeEntries : undefined;
    const routeEntries = new Map<CompiledRoute, HttpEntry>();
    for (const route of routes) {
      if (route.route.enabled) routeEntries.set(route, entriesKept?.get(route) ?? routeEntry(route, env, counters));
    }
    const entries = [
      ...routeEntries.values(),
      ...collections.filter((mount) => mount.collection.enabled).flatMap((mount) => collectionEntries(mount, env)),
      ...statics.filter((mount) => mount.folder.enabled).map(staticEntry),
    ];
    return new HttpMounts(env, entries, routeEntries, collections, cache, counters);
  }

  /**
   * Throws what `compile` finds wrong with the files the routes' responses name under `env`'s workspace file (one
   * MountValidationError with each, located as `compile` locates them): mounts compiled while another file was the
   * one no response may name are held to this one before they are served (`World.replace`).
   */
  static checkNamedFiles(parts: HttpMountParts, env: HttpMountEnv): void {
    const issues = new MountIssues();
    checkNamedFiles(parts.routes ?? [], env, [], issues);
    issues.throwIfAny();
  }

  middleware(): Middleware {
    return async (ctx, next) => {
      if (!(await this.answer(ctx))) await next();
    };
  }

  /**
   * Offers the request to the mounts in table order; true when one answered it. Synchronously false when no mount
   * is even a candidate (most requests to a pack's routes): no promise for them.
   */
  answer(ctx: Context): Promise<boolean> | false {
    const candidates = this.index.candidates(ctx.method, ctx.path);
    return candidates.length > 0 && this.offer(ctx, candidates);
  }

  private async offer(ctx: Context, candidates: readonly HttpEntry[]): Promise<boolean> {
    const path = ctx.path;
    for (const entry of candidates) {
      const match = entry.pattern.match(path);
      if (match && (await entry.answer(ctx, match))) return true;
    }
    return false;
  }

  /**
   * The methods the mounts whose path matches `path` answer (for a 405's `Allow` when the path is known but the
   * method is not); empty when no mount has the path.
   */
  methodsFor(path: string): string[] {
    const methods = new Set<string>();
    for (const entry of this.entries) {
      if (!entry.pattern.match(path)) continue;
      for (const method of entry.methods) methods.add(method);
    }
    return [...methods];
  }

  /** For a request nothing answered: the closest mounts (at most `limit`) and why each did not match. */
  explain(ctx: Context, limit = 3): Promise<NearMiss[]> {
    return nearMisses(
      ctx,
      this.entries.map((entry) => entry.candidate),
      limit,
    );
  }

  /** A collection's records (disabled collections too: the console still edits them). */
  collection(id: string): CollectionStore | undefined {
    return this.stores.get(id);
  }

  collections(): CollectionStore[] {
    return [...this.stores.values()];
  }

  /** Every change to every collection (for autosave and the console); returns the unsubscribe function. */
  onCollectionChange(listener: (change: CollectionChange) => void): () => void {
    const unsubscribes = this.collections().map((store) => store.subscribe(listener));
    return () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
  }

  /** How many mounts a request is tried against: what the index saves (a table of 1,000 tries a handful). */
  candidateCount(method: string, path: string): number {
    return this.index.candidates(method, path).length;
  }
}

/**
 * The collections compiled, those of `previous` that did not change (`kept`) among them as they are (each at most
 * once). Paths are compared across all of them: a kept collection may shadow a new one, or the other way round.
 */
function compileCollections(
  collections: readonly Collection[],
  at: IssuePath,
  tools: MountCompileTools,
  previous: readonly CollectionMount[],
): { mounts: CollectionMount[]; kept: CollectionMount[] } {
  const keepable = new Map(previous.map((mount) => [mount.store.id, mount]));
  const kept: CollectionMount[] = [];
  const mounts = collections.map((collection, index) => {
    const served = keepable.get(collection.id);
    if (served && servedAsIs(served, collection)) {
      keepable.delete(collection.id);
      const mount = remountCollection(served, collection, [...at, index], tools);
      kept.push(mount);
      return mount;
    }
    return compileCollection(collection, [...at, index], tools);
  });
  flagShadowedPaths(
    mounts.map((mount) => ({ ...mount.collection, path: mount.path })),
    at,
    'collection',
    tools.issues,
  );
  return { mounts, kept };
}

function routeEntry(route: CompiledRoute, env: HttpMountEnv, counters: TemplateCounters): HttpEntry {
  const { id, name, method, path } = route.route;
  return {
    pattern: route.pattern,
    methods: route.methods,
    answer: (ctx, match) => answerRoute(ctx, route, match, env, counters),
    candidate: {
      ref: { kind: 'route', id },
      ...(name !== undefined ? { name } : {}),
      method,
      path,
      pattern: route.pattern,
      prefix: false,
      answersMethod: (requested) => route.methods.includes(ANY_METHOD) || route.methods.includes(requested),
      whyNot: async (ctx, params) => {
        let values: Awaited<ReturnType<typeof routeValues>>;
        try {
          values = await routeValues(ctx, route, { params, matched: ctx.path }, env);
        } catch (error) {
          return [{ part: 'body', message: `conditions not checked: ${(error as Error).message}` }];
        }
        // The request's regex budget, what answering it left of it: a 404 explains at no more cost than one budget.
        return withinRegexBudget(
          () =>
            route.responses.flatMap(({ response, conditions }) =>
              (conditions?.failures(values) ?? []).map(
                (failure): MissReason => ({ ...failure, responseId: response.id }),
              ),
            ),
          regexBudgetOf(ctx),
        );
      },
    },
  };
}

function collectionEntries(mount: CollectionMount, env: HttpMountEnv): HttpEntry[] {
  const { id, name } = mount.collection;
  const entry = (pattern: CompiledPathPattern, methods: readonly string[], item: boolean): HttpEntry => ({
    pattern,
    methods,
    answer: (ctx, match) => answerCollection(ctx, mount, item ? match.params.id : undefined, env),
    candidate: {
      ref: { kind: 'collection', id },
      ...(name !== undefined ? { name } : {}),
      method: methods.filter((method) => method !== 'HEAD').join(' '),
      path: pattern.source,
      pattern,
      prefix: false,
      answersMethod: (requested) => methods.includes(requested),
    },
  });
  return [entry(mount.listPattern, LIST_METHODS, false), entry(mount.itemPattern, ITEM_METHODS, true)];
}

function staticEntry(mount: StaticFolderMount): HttpEntry {
  const { id, name, path, folder } = mount.folder;
  return {
    pattern: mount.pattern,
    methods: STATIC_METHODS,
    answer: (ctx, match) => answerStatic(ctx, mount, match.matched),
    candidate: {
      ref: { kind: 'static', id },
      ...(name !== undefined ? { name } : {}),
      method: 'GET',
      path: `${path.replace(/\/+$/, '')}/*`,
      pattern: mount.pattern,
      prefix: true,
      answersMethod: (requested) => (STATIC_METHODS as readonly string[]).includes(requested),
      whyNot: async (ctx) => [
        { part: 'file', message: `no file for ${JSON.stringify(ctx.path)} in folder ${JSON.stringify(folder)}` },
      ],
    },
  };
}
