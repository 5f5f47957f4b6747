/**
 * What a response template reads: the request. Header names are lower-case; `body` is the parsed JSON, the form
 * fields as an object, or the text, depending on the request's content type (undefined without a body).
 */
export interface TemplateScope {
  /** Path parameters (converted to their schema types when the route validates them). */
  params: Record<string, unknown>;
  /** Query parameters: the last value of a repeated one (converted when validated). */
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
  method: string;
  /** The path, without the query string. */
  path: string;
  /** The path with the query string. */
  url: string;
}

/**
 * What templates of one kind read (a route's response, a socket's frame): the names a path may start with outside
 * `#each`/`#with` blocks, the empty scope a template is tried on when it is stored, and the root that holds what
 * must be parsed before a render (a request's `body`, the default; a socket message's `json`): a template that
 * reads it, or the whole scope, `usesBody`.
 */
export interface TemplateScopeKind<S extends object> {
  readonly roots: ReadonlySet<string>;
  readonly empty: S;
  readonly body?: string;
}

/** The names a route's template may start a path with, outside `#each`/`#with` blocks. */
export const SCOPE_ROOTS: ReadonlySet<string> = new Set<keyof TemplateScope>([
  'params',
  'query',
  'headers',
  'body',
  'method',
  'path',
  'url',
]);

/** Route templates: they read the request. */
export const REQUEST_SCOPE: TemplateScopeKind<TemplateScope> = {
  roots: SCOPE_ROOTS,
  empty: { params: {}, query: {}, headers: {}, body: undefined, method: 'GET', path: '/', url: '/' },
};
