/**
 * A template made only of text and plain lookups (`Hello {{params.name}}`, `{{query.id}}`) — most templates are.
 * Handlebars sets up every top-level call afresh (a wrapped copy of every helper, a prototype-access policy),
 * which costs more than such a template's own work; these are rendered here instead, with Handlebars' result.
 * Where the result could differ from Handlebars' (a value found through a prototype, a function to call), the
 * caller falls back to Handlebars.
 */
export type PlainTemplate =
  /** Text as is, and lookup paths. */
  | { readonly kind: 'text'; readonly pieces: readonly (string | readonly string[])[] }
  /** The typed whole-value form (`{{VALUE_HELPER path}}`): its value is captured rather than rendered. */
  | { readonly kind: 'value'; readonly path: readonly string[] };

/** What a render gives: the text, and the captured value of the whole-value form. */
export interface PlainRender {
  text: string;
  captured: unknown;
}

/** The answer of a lookup that Handlebars might answer differently: render with Handlebars. */
export const UNSURE: unique symbol = Symbol('unsure');

/**
 * The program as a plain template, or undefined when it uses anything else (helpers, blocks, `this`, `@data`,
 * `../`, partials, comments are fine). `helpers` are the names a one-part mustache would call instead.
 */
export function plainTemplate(
  program: hbs.AST.Program,
  helpers: ReadonlySet<string>,
  valueHelper: string,
): PlainTemplate | undefined {
  const [only] = program.body;
  if (program.body.length === 1 && only?.type === 'MustacheStatement') {
    const mustache = only as hbs.AST.MustacheStatement;
    const path = mustache.path as hbs.AST.PathExpression;
    if (path.type === 'PathExpression' && path.original === valueHelper && !mustache.hash) {
      const [argument, ...rest] = mustache.params;
      const parts = rest.length === 0 && argument ? plainPath(argument) : undefined;
      return parts && { kind: 'value', path: parts };
    }
  }
  const pieces: (string | readonly string[])[] = [];
  for (const statement of program.body) {
    if (statement.type === 'ContentStatement') pieces.push((statement as hbs.AST.ContentStatement).value);
    else if (statement.type === 'CommentStatement') continue;
    else if (statement.type !== 'MustacheStatement') return undefined;
    else {
      const mustache = statement as hbs.AST.MustacheStatement;
      if (mustache.params.length > 0 || mustache.hash) return undefined;
      const parts = plainPath(mustache.path);
      // A one-part name may be a helper call.
      if (!parts || (parts.length === 1 && helpers.has(parts[0] as string))) return undefined;
      pieces.push(parts);
    }
  }
  return { kind: 'text', pieces };
}

function plainPath(expression: hbs.AST.Expression): readonly string[] | undefined {
  if (expression.type !== 'PathExpression') return undefined;
  const path = expression as hbs.AST.PathExpression;
  if (path.data || path.depth !== 0 || path.parts.length === 0) return undefined;
  // Segment literals (`[a b]`) and `this`/`..` in the path are Handlebars' to resolve.
  if (path.original !== path.parts.join('.') && path.original !== path.parts.join('/')) return undefined;
  return path.parts;
}

/**
 * Follows a path through own properties, as Handlebars does for plain data. A value found any other way (inherited,
 * or on a primitive) or a function (Handlebars would call it) is UNSURE.
 */
function lookUp(scope: unknown, path: readonly string[]): unknown {
  let value = scope;
  for (const part of path) {
    // Handlebars stops at null and undefined and renders them as nothing.
    if (value === null || value === undefined) return value;
    if (typeof value !== 'object' || !Object.hasOwn(value, part)) return UNSURE;
    value = (value as Record<string, unknown>)[part];
  }
  return typeof value === 'function' ? UNSURE : value;
}

/** The template rendered on `scope`, or UNSURE. */
export function renderPlain(template: PlainTemplate, scope: unknown): PlainRender | typeof UNSURE {
  if (template.kind === 'value') {
    const value = lookUp(scope, template.path);
    return value === UNSURE ? UNSURE : { text: '', captured: value };
  }
  let text = '';
  for (const piece of template.pieces) {
    if (typeof piece === 'string') {
      text += piece;
      continue;
    }
    const value = lookUp(scope, piece);
    if (value === UNSURE) return UNSURE;
    // Handlebars' rendering of a value without escaping: nothing for null and undefined, else its string.
    if (value !== null && value !== undefined) text += value;
  }
  return { text, captured: undefined };
}
