import { stringify } from 'path-to-regexp';
import { issueWords } from '../../shared/issue-words';
import { PathPatternSchema } from '../../shared/mounts/mount-fields';

/** A base path as the prefix of imported paths, without its slash (each path brings one): `/` is none, `api` `/api`. */
export function routePrefix(basePath: string): string {
  return basePath.replace(/\/+$/, '').replace(/^(?=[^/])/, '/');
}

/**
 * Why no route could be imported under `basePath`, in the words of the rule every route's path follows (a `..`
 * segment, a path under /__console, too long); undefined when routes can live there. Checked on the shortest route
 * under it, the document's `/`, written as a route's path is (literal, escaped by path-to-regexp): a longer path
 * keeps every segment of it, and so breaks the same rule.
 */
export function basePathProblem(basePath: string): string | undefined {
  const shortest = stringify({ tokens: [{ type: 'text', value: `${routePrefix(basePath)}/` }] });
  const issue = PathPatternSchema.safeParse(shortest).error?.issues[0];
  return issue && issueWords(issue);
}
