import { ANY_METHOD, routeMethods } from '../routes/path-index';
import { type ComparablePath, pathForm, WidePaths, widerPathBecause } from '../world/shadowed-paths';

/** What the order of routes depends on (a route as stored, or as the importer writes it, defaults left out). */
interface OrderedRoute {
  method?: string;
  path: string;
  enabled?: boolean;
}

/**
 * `added` put into `routes`, each before the first enabled route whose path matches every path its own does and
 * others too (`/users/:id` for `/users/me`) for every method it answers, else at the end; everything else keeps its
 * order. OpenAPI matches concrete paths before templated ones whatever the document's order, and the engine tries
 * routes in table order: after such a route, the added one would answer nothing.
 */
export function withRoutesReachable<T extends OrderedRoute>(
  routes: readonly T[],
  added: readonly T[],
  pathOf: (path: string) => ComparablePath = pathForm,
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
 * Why `later` answers nothing after `earlier`: an enabled route that answers every method the later one does, whose
 * path matches every path the later one's does and more (`a parameter matches any segment`); undefined when it does
 * not hide it so.
 */
export function widerRouteBecause(
  earlier: { route: OrderedRoute; path: ComparablePath },
  later: { route: OrderedRoute; path: ComparablePath },
): string | undefined {
  if (earlier.route.enabled === false || !answersAllMethodsOf(earlier.route.method, later.route.method))
    return undefined;
  return widerPathBecause(earlier.path, later.path);
}

/**
 * Whether a route of method `earlier` answers every request method a route of method `later` does, as the engine
 * files them (`routeMethods`): one way only — a GET route answers HEAD, but a HEAD route before a GET one leaves it
 * GET's requests; ANY answers all, and only ANY all of ANY's.
 */
export function answersAllMethodsOf(earlier = 'GET', later = 'GET'): boolean {
  if (earlier === later) return true;
  const answered = routeMethods(earlier);
  return answered.includes(ANY_METHOD) || routeMethods(later).every((method) => answered.includes(method));
}
