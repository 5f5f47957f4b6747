import type { Route } from '../../shared/mounts/route';

export interface MergedRoutes {
  routes: Route[];
  added: string[];
  replaced: string[];
  /** Routes kept as they were (hand-written ones, and operations the document no longer has). */
  kept: string[];
  /** What the merge did that a person would not expect: a route replaced by another method and path, one shadowed. */
  mergeWarnings: string[];
}

/**
 * Imported routes into a workspace's: a route with the same id is replaced where it stands (an operation
 * imported again), a new id is added at the end, and everything else is kept — or, with `replaceAll`, the
 * imported routes become the whole list.
 */
export function mergeImportedRoutes(
  existing: readonly Route[],
  imported: readonly Route[],
  replaceAll = false,
): MergedRoutes {
  if (replaceAll) {
    const routes = [...imported];
    return {
      routes,
      added: routes.map((route) => route.id),
      replaced: [],
      kept: [],
      mergeWarnings: shadowed(routes, imported),
    };
  }
  const byId = new Map(imported.map((route) => [route.id, route]));
  const replaced: string[] = [];
  const kept: string[] = [];
  const mergeWarnings: string[] = [];
  const routes = existing.map((route) => {
    const update = byId.get(route.id);
    if (!update) {
      kept.push(route.id);
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
  const merged = [...routes, ...added];
  mergeWarnings.push(...shadowed(merged, imported));
  return { routes: merged, added: added.map((route) => route.id), replaced, kept, mergeWarnings };
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
