import type { Route } from '../../shared/mounts/route';

export interface MergedRoutes {
  routes: Route[];
  added: string[];
  replaced: string[];
  /** Routes kept as they were (hand-written ones, and operations the document no longer has). */
  kept: string[];
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
  if (replaceAll) return { routes: [...imported], added: imported.map((route) => route.id), replaced: [], kept: [] };
  const byId = new Map(imported.map((route) => [route.id, route]));
  const replaced: string[] = [];
  const kept: string[] = [];
  const routes = existing.map((route) => {
    const update = byId.get(route.id);
    if (!update) {
      kept.push(route.id);
      return route;
    }
    byId.delete(route.id);
    replaced.push(route.id);
    return update;
  });
  const added = [...byId.values()];
  return { routes: [...routes, ...added], added: added.map((route) => route.id), replaced, kept };
}
