import type { Route } from '../../shared/mounts/route';

/** An OpenAPI document's routes, before they meet a workspace's (`openApiRoutes`). */
export interface ImportedRoutes {
  routes: Route[];
  /** What was left out or changed on the way, one line each (`GET /items/{id}: …`). */
  warnings: string[];
  /** The document's `info.title`. */
  title?: string;
}

/** An import merged into a workspace's routes: the list, what changed, and every warning. */
export interface RoutesImport extends Omit<MergedRoutes, 'mergeWarnings'> {
  warnings: string[];
  title?: string;
}

export interface MergedRoutes {
  routes: Route[];
  /** Imported routes whose id no route had. */
  added: string[];
  /** Routes an imported one of the same id took the place of. */
  replaced: string[];
  /** Routes kept as they were (hand-written ones, and operations the document no longer has). */
  kept: string[];
  /** Routes that are gone: with `replaceAll`, every route the document has no operation of the same id for. */
  removed: string[];
  /** What the merge did that a person would not expect: a route replaced by another method and path, one shadowed. */
  mergeWarnings: string[];
}

/**
 * Imported routes into a workspace's: a route with the same id is replaced where it stands (an operation
 * imported again), a new id is added at the end, and everything else is kept — or, with `replaceAll`, the
 * imported routes become the whole list, and the routes they do not replace are removed.
 */
export function mergeImportedRoutes(
  existing: readonly Route[],
  imported: readonly Route[],
  replaceAll = false,
): MergedRoutes {
  const byId = new Map(imported.map((route) => [route.id, route]));
  const replaced: string[] = [];
  const kept: string[] = [];
  const removed: string[] = [];
  const mergeWarnings: string[] = [];
  const routes = existing.map((route) => {
    const update = byId.get(route.id);
    if (!update) {
      (replaceAll ? removed : kept).push(route.id);
      return route;
    }
    byId.delete(route.id);
    replaced.push(route.id);
    if (update.method !== route.method || update.path !== route.path)
      mergeWarnings.push(
        `route ${route.id} (${route.method} ${route.path}) is replaced by the operation of the same id (${update.method} ${update.path})`,
      );
    return update;
  });
  const added = [...byId.values()];
  // With replaceAll the list is the document's, in its order; otherwise new routes go after the existing ones.
  const merged = replaceAll ? [...imported] : [...routes, ...added];
  mergeWarnings.push(...shadowed(merged, imported));
  return { routes: merged, added: added.map((route) => route.id), replaced, kept, removed, mergeWarnings };
}

/**
 * Imported routes an earlier route always answers for: the same method (or ANY) and a path that matches the same
 * requests — parameters named differently, or a trailing slash, which matching ignores. Disabled routes are not
 * served, so they shadow nothing (as `flagShadowedPaths` has it for collections and sockets).
 */
function shadowed(routes: readonly Route[], imported: readonly Route[]): string[] {
  const importedIds = new Set(imported.map((route) => route.id));
  const first = new Map<string, Route>();
  const warnings: string[] = [];
  for (const route of routes) {
    if (!route.enabled) continue;
    const path = route.path.replace(/:("[^"]*"|[A-Za-z_$][\w$]*)/g, ':').replace(/\/+$/, '') || '/';
    const key = `${route.method} ${path}`;
    const earlier = first.get(key) ?? first.get(`ANY ${path}`);
    if (earlier && importedIds.has(route.id))
      warnings.push(
        `route ${route.id} (${route.method} ${route.path}) answers nothing while route ${earlier.id} (${earlier.method} ${earlier.path}) comes first with the same method and path`,
      );
    if (!first.has(key)) first.set(key, route);
  }
  return warnings;
}

/**
 * An import's routes merged into `existing` (`mergeImportedRoutes`), the merge's warnings after the document's.
 * Cheap, with no OpenAPI code: the engine merges into the routes as they are when the import is applied, not as
 * they were when its worker started (a route edited meanwhile is kept).
 */
export function mergeRoutesImport(
  existing: readonly Route[],
  imported: ImportedRoutes,
  replaceAll = false,
): RoutesImport {
  const { mergeWarnings, ...merged } = mergeImportedRoutes(existing, imported.routes, replaceAll);
  return {
    ...merged,
    warnings: [...imported.warnings, ...mergeWarnings],
    ...(imported.title && { title: imported.title }),
  };
}
