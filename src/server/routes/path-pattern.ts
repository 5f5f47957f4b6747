import { match, parse, pathToRegexp, stringify, type Token } from 'path-to-regexp';

/** The part of one path segment a near miss compares: a literal, a segment with parameters, or the rest of the path. */
export type SegmentShape =
  | { kind: 'literal'; text: string }
  | { kind: 'pattern'; source: string; test(segment: string): boolean }
  | { kind: 'rest'; source: string };

export interface PathMatch {
  /** Parameters, decoded; a wildcard's segments joined with `/`. */
  params: Record<string, string>;
  /** The part of the path matched (all of it, or the prefix for a prefix pattern). */
  matched: string;
}

/**
 * A path pattern (path-to-regexp, as Express 5: `/items/:id`, `/files/*path`, `/items{/:id}`), compiled once:
 * case-sensitive, a trailing slash tolerated, parameters percent-decoded (left as sent when malformed).
 */
export interface CompiledPathPattern {
  readonly source: string;
  match(path: string): PathMatch | undefined;
  /** The names of its parameters and wildcards. */
  readonly paramNames: readonly string[];
  /** The literal segments every matching path starts with (`/api/v1/items/:id` → api, v1, items): the index key. */
  readonly literalPrefix: readonly string[];
  /** For near misses: each form the pattern takes (optional parts present or not), cut into segments. */
  readonly shapes: readonly (readonly SegmentShape[])[];
}

/** Forms of a pattern considered for near misses; optional parts multiply them. */
const MAX_SHAPES = 16;

const decode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/** Throws the path-to-regexp error (with what to fix) when the pattern does not compile. */
export function compilePathPattern(source: string, options: { prefix?: boolean } = {}): CompiledPathPattern {
  const data = parse(source);
  // path-to-regexp's own `match` builds prototype-less objects, several times slower than reading the regexp here.
  const { regexp, keys } = pathToRegexp(data, { sensitive: true, end: !options.prefix });
  return {
    source,
    match(path) {
      const found = regexp.exec(path);
      if (!found) return undefined;
      const params: Record<string, string> = {};
      for (let index = 1; index < found.length; index++) {
        const value = found[index];
        const key = keys[index - 1];
        if (value === undefined || !key) continue;
        params[key.name] = key.type === 'wildcard' ? value.split('/').map(decode).join('/') : decode(value);
      }
      return { params, matched: found[0] };
    },
    paramNames: keys.map((key) => key.name),
    literalPrefix: literalPrefix(data.tokens),
    shapes: expand(data.tokens).map(segmentShapes),
  };
}

/** Splits a request path into its segments (`/a/b/` → a, b, ''), as the index and near misses see it. */
export function pathSegments(path: string): string[] {
  return path.split('/').slice(1);
}

function literalPrefix(tokens: readonly Token[]): string[] {
  let text = '';
  let complete = true;
  for (const token of tokens) {
    if (token.type === 'text') {
      text += token.value;
      continue;
    }
    // The text's last segment is whole only if what follows starts a new segment (`/items{/:id}`).
    const first = token.type === 'group' ? token.tokens[0] : undefined;
    complete = first?.type === 'text' && first.value.startsWith('/');
    break;
  }
  const segments = pathSegments(text);
  if (!complete) segments.pop();
  while (segments.at(-1) === '') segments.pop();
  return segments;
}

/** Every form of the tokens with each optional group present or absent (at most MAX_SHAPES). */
function expand(tokens: readonly Token[]): Token[][] {
  let forms: Token[][] = [[]];
  for (const token of tokens) {
    if (token.type !== 'group') {
      for (const form of forms) form.push(token);
      continue;
    }
    const inner = expand(token.tokens);
    const next: Token[][] = [];
    for (const form of forms) {
      next.push([...form]);
      for (const option of inner) if (next.length < MAX_SHAPES) next.push([...form, ...option]);
    }
    forms = next.slice(0, MAX_SHAPES);
  }
  return forms;
}

function segmentShapes(tokens: readonly Token[]): SegmentShape[] {
  const segments: Token[][] = [[]];
  for (const token of tokens) {
    if (token.type !== 'text') {
      segments.at(-1)?.push(token);
      continue;
    }
    const [first, ...rest] = token.value.split('/');
    if (first) segments.at(-1)?.push({ type: 'text', value: first });
    for (const part of rest) segments.push(part ? [{ type: 'text', value: part }] : []);
  }
  // What precedes the first '/' is empty: patterns start with '/'.
  return segments.slice(1).map((segment): SegmentShape => {
    const source = stringify({ tokens: segment });
    if (segment.every((token) => token.type === 'text')) return { kind: 'literal', text: source };
    if (segment.some((token) => token.type === 'wildcard')) return { kind: 'rest', source };
    const test = match({ tokens: [{ type: 'text', value: '/' }, ...segment] }, { sensitive: true, decode: false });
    return { kind: 'pattern', source, test: (value) => test(`/${value}`) !== false };
  });
}
