import { pathToRegexp, stringify, type Token } from 'path-to-regexp';

/** An OpenAPI path template as a route path pattern, with the names of its parameters in order. */
export interface RoutePath {
  path: string;
  params: string[];
}

/**
 * `/items/{item_id}` → `/items/:item_id`. The pattern is written by path-to-regexp itself, so literal text that
 * its syntax gives meaning to (`:`, `*`, `(`, `{`…) is escaped and unusual parameter names are quoted
 * (`/things:batch` → `/things\:batch`, `{item-id}` → `:"item-id"`). Returns undefined for a template with
 * unbalanced braces or an empty parameter name. `prefix` is literal text put before the path.
 */
export function toRoutePath(template: string, prefix = ''): RoutePath | undefined {
  const tokens: Token[] = prefix ? [{ type: 'text', value: prefix }] : [];
  const params: string[] = [];
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf('{');
    const close = rest.indexOf('}');
    if (open < 0) {
      if (close >= 0) return undefined;
      tokens.push({ type: 'text', value: rest });
      break;
    }
    const end = rest.indexOf('}', open);
    if (end < 0 || (close >= 0 && close < open)) return undefined;
    const name = rest.slice(open + 1, end);
    if (name === '' || name.includes('{')) return undefined;
    if (open > 0) tokens.push({ type: 'text', value: rest.slice(0, open) });
    tokens.push({ type: 'param', name });
    params.push(name);
    rest = rest.slice(end + 1);
  }
  const path = stringify({ tokens });
  try {
    // Compiled as a route's path is: `parse` alone takes `/a/:x:y` ({x}{y}), which matching then refuses.
    pathToRegexp(path);
  } catch {
    return undefined; // nothing path-to-regexp would refuse to serve leaves here
  }
  return { path, params };
}
