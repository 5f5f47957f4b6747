import type { Route } from '../../shared/mounts/route';
import type { IssuePath } from '../world/mount-validation-error';
import type { MountCompileTools } from './mount-compile-tools';
import { type CompiledRoute, compileRoute } from './route-compiler';

/** Routes compiled into one cache before it starts afresh, at the least (see `RouteCompileCache.reusable`). */
const MIN_COMPILES_BEFORE_FRESH = 256;

/**
 * Each stored route's JSON, by identity: a world's routes are replaced when edited, never changed in place, so the
 * routes an edit leaves are the same objects and are not written out again (2,000 routes took ~7 ms an edit).
 */
const routeJson = new WeakMap<Route, string>();

function jsonOf(route: Route): string {
  let json = routeJson.get(route);
  if (json === undefined) {
    json = JSON.stringify(route);
    routeJson.set(route, json);
  }
  return json;
}

/**
 * A world's compiled routes, by their definition as JSON, carried from one edit to the next: an edit compiles only the
 * routes it adds or changes (compiling every route again made each edit of a 2,000-route table cost ~35 ms, of a
 * 10,000-route one several hundred, and a moved route the whole table). A route is compiled from its definition and
 * the folder files resolve against alone, so one whose JSON and folder are the same compiles the same; what it
 * remembers (its `sequential` position) carries over with it.
 *
 * Its templates and schemas are compiled into one template engine and one set of validators, which remember what they
 * compiled: so that what edits replaced does not stay for good, the cache starts afresh (every route compiled again,
 * into new ones) once it has compiled more than twice the routes the world has.
 */
export class RouteCompileCache {
  private readonly byJson = new Map<string, CompiledRoute>();

  private constructor(
    private readonly baseDir: string,
    /** One engine and set of validators, and how many routes were compiled into them (edits refused too). */
    private readonly shared: Pick<MountCompileTools, 'templates' | 'schemas'> & { compiled: number },
  ) {}

  /**
   * The routes compiled: taken from `previous` (the cache of the mounts served until now) where their JSON is the same,
   * else compiled with `tools` (into `previous`'s engine and validators while it may take more). Problems go to
   * `tools.issues`. Returns the routes and the cache that holds them.
   */
  static compile(
    routes: readonly Route[],
    tools: MountCompileTools,
    at: (index: number) => IssuePath,
    previous: RouteCompileCache | undefined,
  ): { routes: CompiledRoute[]; cache: RouteCompileCache } {
    const reuse = previous?.reusable(tools.env.baseDir, routes.length) ?? false;
    const cache =
      reuse && previous
        ? new RouteCompileCache(previous.baseDir, previous.shared)
        : new RouteCompileCache(tools.env.baseDir, { templates: tools.templates, schemas: tools.schemas, compiled: 0 });
    const routeTools: MountCompileTools = {
      ...tools,
      templates: cache.shared.templates,
      schemas: cache.shared.schemas,
    };
    const compiled = routes.map((route, index) => {
      const json = jsonOf(route);
      const known = previous?.byJson.get(json);
      let result: CompiledRoute;
      // The same route object (one an edit left): the compiled route itself serves again, and so can its table entry.
      if (known && reuse) result = known.route === route ? known : { ...known, route };
      else {
        const fresh = compileRoute(route, at(index), routeTools);
        cache.shared.compiled++;
        // Its `sequential` position carries over even when the cache starts afresh.
        result = known ? { ...fresh, pick: known.pick } : fresh;
      }
      cache.byJson.set(json, result);
      return result;
    });
    return { routes: compiled, cache };
  }

  /** Whether routes compiled here can serve again, and more be compiled into its engine and validators. */
  private reusable(baseDir: string, routeCount: number): boolean {
    return baseDir === this.baseDir && this.shared.compiled <= Math.max(MIN_COMPILES_BEFORE_FRESH, 2 * routeCount);
  }
}
