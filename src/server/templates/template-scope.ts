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

/** The names a template may start a path with, outside `#each`/`#with` blocks. */
export const SCOPE_ROOTS: ReadonlySet<string> = new Set<keyof TemplateScope>([
  'params',
  'query',
  'headers',
  'body',
  'method',
  'path',
  'url',
]);
