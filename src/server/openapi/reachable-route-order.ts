import { type ComparablePath, comparablePath, WidePaths, widerPathBecause } from '../world/shadowed-paths';

/** What the order of routes depends on (a route as stored, or as the importer writes it, defaults left out). */
export interface OrderedRoute {
  method?: string;
  path: string;
  enabled?: boolean;
}

/**
 * `added` put into `routes`, each before the first enabled route whose path matches every path its own does and
 * others too (`/users/:id` for `/users/me`) for a method both answer, else at the end; everything else keeps its
 * order. OpenAPI matches concrete paths before templated ones whatever the document's order, and the engine tries
 * routes in table order: after such a route, the added one would answer nothing.
 */
export function withRoutesReachable<T extends OrderedRoute>(
  routes: readonly T[],
  added: readonly T[],
  pathOf: (path: string) => ComparablePath = comparablePath,
): T[] {
  const placed = routes.map((route) => ({ route, path: pathOf(route.path) }));
  const wide = new WidePaths<(typeof placed)[number]>();
  for (const entry of placed) wide.add(entry.path, entry);
  for (const route of added) {
    const entry = { route, path: pathOf(route.path) };
    // The first in the list of those that hide it: few are compared, and fewer looked for.
    let at = placed.length;
    for (const earlier of wide.mayCover(entry.path))
      if (widerRouteBecause(earlier, entry) !== undefined) at = Math.min(at, placed.indexOf(earlier));
    placed.splice(at, 0, entry);
    wide.add(entry.path, entry);
  }
  return placed.map(({ route }) => route);
}

/**
 * Why `later` answers nothing after `earlier`: an enabled route, for a method both answer, whose path matches every
 * path the later one's does and more (`a parameter matches any segment`); undefined when it does not hide it so.
 */
export function widerRouteBecause(
  earlier: { route: OrderedRoute; path: ComparablePath },
  later: { route: OrderedRoute; path: ComparablePath },
): string | undefined {
  if (earlier.route.enabled === false || !methodsMeet(earlier.route.method, later.route.method)) return undefined;
  return widerPathBecause(earlier.path, later.path);
}

/** Whether two routes' methods answer a request in common (ANY answers all; a GET route answers HEAD too). */
export function methodsMeet(first = 'GET', second = 'GET'): boolean {
  if (first === second || first === 'ANY' || second === 'ANY') return true;
  return (first === 'GET' && second === 'HEAD') || (first === 'HEAD' && second === 'GET');
}
