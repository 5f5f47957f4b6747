import { ANY_METHOD, routeMethods } from '../routes/path-index';
import { type ComparablePath, pathForm, WidePaths, widerPathBecause } from '../world/shadowed-paths';

/** What the order of routes depends on (a route as stored, or as the importer writes it, defaults left out). */
interface OrderedRoute {
  method?: string;
  path: string;
  enabled?: boolean;
  responses: readonly { when?: Conditions }[];
}

/** A response's `when` (`RequestConditions`, as stored or as written): its parts, conditions by name or a list. */
type Conditions = Readonly<Record<string, object | undefined>>;

/**
 * `added` put into `routes`, each before the first route that hides it (`widerRouteBecause`: `/users/:id` hides
 * `/users/me`), else at the end; everything else keeps its order. OpenAPI matches concrete paths before templated
 * ones whatever the document's order, and the engine tries routes in table order: after such a route, the added one
 * would answer nothing.
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
 * Why `later` answers nothing after `earlier`: a route that answers every request it matches (`answersEveryMatch`)
 * and every method the later one does, whose path matches every path the later one's does and more (`a parameter
 * matches any segment`); undefined when it does not hide it so.
 */
export function widerRouteBecause(
  earlier: { route: OrderedRoute; path: ComparablePath },
  later: { route: OrderedRoute; path: ComparablePath },
): string | undefined {
  if (!answersEveryMatch(earlier.route) || !answersAllMethodsOf(earlier.route.method, later.route.method))
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

/**
 * Whether a route answers every request its method and path match (or refuses it, 422, by its schemas), so that none
 * reaches a route after it: it is enabled, and one of its responses has no condition — whatever the response mode,
 * one that applies is chosen. A route whose every response has a `when` passes on the requests none holds for: it
 * hides nothing, not even a later route with the very same conditions (conditions are not compared with each other:
 * a route is said to answer nothing only where that is certain).
 */
export function answersEveryMatch(route: OrderedRoute): boolean {
  return route.enabled !== false && route.responses.some(({ when }) => when === undefined || noCondition(when));
}

/** A `when` that names nothing to check (`{}`, `{"query": {}}`): it holds for every request. */
const noCondition = (when: Conditions): boolean =>
  Object.values(when).every((part) => part === undefined || Object.keys(part).length === 0);
