import type { ParsedUrlQuery } from 'node:querystring';
import type Koa from 'koa';
import { RememberedAnswers } from '../support/remembered-answers';

/** Where a request keeps its own parsed query, for the rest of the request. */
const OWN_QUERY = Symbol('ownQuery');

type QueryRequest = Koa.Request & { [OWN_QUERY]?: { text: string; value: ParsedUrlQuery } };

/**
 * `ctx.query` parsed once per distinct query string instead of once per request. Koa's parser (WHATWG
 * `URLSearchParams`, then a `defineProperty` per key) was 4 % of a REST PUT's CPU, and clients send the same few
 * query strings again and again (`?user_id=koen`, `?limit=50`). The result is Koa's own: its getter parses what
 * was not seen before. Each request gets its own copy (a handler may change it), the same object however often
 * it is read, as with Koa; setting `ctx.query` works as before.
 */
export function rememberParsedQueries(app: Koa): void {
  const koaQuery = inheritedDescriptor(app.request, 'query');
  const { get, set } = koaQuery;
  if (!get || !set) throw new Error("Koa's request.query is not an accessor");
  // The newest 64 query strings up to 1 KiB; longer ones are parsed every time.
  const remembered = new RememberedAnswers<ParsedUrlQuery>(64, 1024);
  Object.defineProperty(app.request, 'query', {
    configurable: true,
    enumerable: koaQuery.enumerable ?? true,
    get(this: QueryRequest): ParsedUrlQuery {
      const text = this.querystring;
      const own = this[OWN_QUERY];
      if (own?.text === text) return own.value;
      const known = remembered.get(text);
      let value: ParsedUrlQuery;
      if (known) value = copyOf(known);
      else {
        value = get.call(this) as ParsedUrlQuery;
        remembered.remember(text, copyOf(value));
      }
      this[OWN_QUERY] = { text, value };
      return value;
    },
    set(this: QueryRequest, value: ParsedUrlQuery) {
      set.call(this, value);
    },
  });
}

/** The property as the nearest prototype defines it. */
function inheritedDescriptor(target: object, key: string): PropertyDescriptor {
  for (let at: object | null = target; at; at = Object.getPrototypeOf(at)) {
    const descriptor = Object.getOwnPropertyDescriptor(at, key);
    if (descriptor) return descriptor;
  }
  throw new Error(`no ${key} on Koa's request`);
}

/** A copy no later change to `query` reaches, nor a change to the copy it: repeated keys are arrays of their own. */
function copyOf(query: ParsedUrlQuery): ParsedUrlQuery {
  const copy = { ...query };
  for (const key of Object.keys(copy)) {
    const value = copy[key];
    if (Array.isArray(value)) copy[key] = [...value];
  }
  return copy;
}
