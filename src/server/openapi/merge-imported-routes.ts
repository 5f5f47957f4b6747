import type { Route } from '../../shared/mounts/route';
import { type ComparablePath, comparableKey, pathForm, WidePaths } from '../world/shadowed-paths';
import {
  answersAllMethodsOf,
  answersEveryMatch,
  widerRouteBecause,
  withRoutesReachable,
} from './reachable-route-order';

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
  // With replaceAll the list is the document's, in its order; otherwise new routes go after the existing ones —
  // but before one that would leave them nothing to answer (a concrete path new beside an imported templated one).
  // Each path parsed once for both: parsing is most of what comparing a thousand routes costs.
  const parsed = new Map<string, ComparablePath>();
  const pathOf = (path: string) => {
    if (!parsed.has(path)) parsed.set(path, pathForm(path));
    return parsed.get(path);
  };
  const merged = replaceAll ? [...imported] : withRoutesReachable(routes, added, pathOf);
  mergeWarnings.push(...shadowed(merged, imported, pathOf));
  return { routes: merged, added: added.map((route) => route.id), replaced, kept, removed, mergeWarnings };
}

/**
 * Imported routes an earlier route answers for, for every method they answer (ANY answers all, GET also HEAD; a HEAD
 * route leaves a GET one its GETs): a path that matches the same requests — parameters named differently, or a
 * trailing slash, which matching ignores — or every request the imported one's does and more (`/users/:id` before
 * `/users/me`: one kept in place, or written by hand). Disabled routes are not served, and a route whose every
 * response has a `when` passes on the requests none holds for: neither hides any (`answersEveryMatch`).
 */
function shadowed(
  routes: readonly Route[],
  imported: readonly Route[],
  pathOf: (path: string) => ComparablePath,
): string[] {
  const importedIds = new Set(imported.map((route) => route.id));
  // Each imported route against the routes before it that hide what they match: those of its path (by key), and
  // those whose path may match others (by coverage).
  type Compared = { route: Route; path: ComparablePath };
  const byKey = new Map<string, Compared[]>();
  const wide = new WidePaths<Compared>();
  const named = ({ route }: Compared) => `route ${route.id} (${route.method} ${route.path})`;
  const warnings: string[] = [];
  for (const route of routes) {
    if (!route.enabled) continue;
    const later: Compared = { route, path: pathOf(route.path) };
    const key = comparableKey(route.path, later.path);
    const samePath = byKey.get(key);
    if (importedIds.has(route.id)) {
      const same = samePath?.find((entry) => answersAllMethodsOf(entry.route.method, route.method));
      if (same) {
        const what =
          same.route.method === route.method
            ? 'the same method and path'
            : `the same path, and answers ${route.method} too`;
        warnings.push(`${named(later)} answers nothing while ${named(same)} comes first with ${what}`);
      } else
        for (const entry of wide.mayCover(later.path)) {
          const why = widerRouteBecause(entry, later);
          if (why === undefined) continue;
          warnings.push(
            `${named(later)} answers nothing while ${named(entry)} comes first: its path ${why}; move ${route.id} before it`,
          );
          break;
        }
    }
    if (!answersEveryMatch(route)) continue;
    if (samePath) samePath.push(later);
    else byKey.set(key, [later]);
    wide.add(later.path, later);
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
