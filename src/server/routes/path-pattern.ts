import { PathError, parse, pathToRegexp, stringify, type Token, type TokenData } from 'path-to-regexp';

/** The part of one path segment a near miss compares: a literal, a segment with parameters, or the rest of the path. */
export type SegmentShape =
  | { kind: 'literal'; text: string; test(segment: string): boolean }
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
 * case-sensitive, a trailing slash tolerated (in the path or the pattern), parameters percent-decoded (left as sent
 * when malformed). Literal text matches as clients send it: `/ünï` matches `/%C3%BCn%C3%AF` (see `encodedPathText`).
 */
export interface CompiledPathPattern {
  readonly source: string;
  match(path: string): PathMatch | undefined;
  /** The names of its parameters and wildcards. */
  readonly paramNames: readonly string[];
  /**
   * The literal segments every matching path starts with (`/api/v1/items/:id` → api, v1, items): the index key,
   * as `encodedPathText` writes them.
   */
  readonly literalPrefix: readonly string[];
  /** For near misses: each form the pattern takes (optional parts present or not), cut into segments. */
  readonly shapes: readonly (readonly SegmentShape[])[];
}

/** Forms of a pattern considered for near misses; optional parts multiply them. */
const MAX_SHAPES = 16;

/** Percent-decodes path text; text with a malformed escape stays as sent. */
export const decodePathText = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/**
 * Throws path-to-regexp's error (what is wrong, where: `Missing parameter name at index 7: /chat/:`) when the pattern
 * does not compile; `invalidPathPattern` words it for a mount's problem.
 */
export function compilePathPattern(source: string, options: { prefix?: boolean } = {}): CompiledPathPattern {
  const { data, encoded, regexp, keys } = parsePathPattern(source, !options.prefix);
  // A parameter named `__proto__` would set the object's prototype: such a pattern's values go in one without.
  const prototypeLess = keys.some((key) => key.name === '__proto__');
  return {
    source,
    match(path) {
      const found = regexp.exec(withPathCharactersDecoded(path));
      if (!found) return undefined;
      const params: Record<string, string> = prototypeLess ? Object.create(null) : {};
      for (let index = 1; index < found.length; index++) {
        const value = found[index];
        const key = keys[index - 1];
        if (value === undefined || !key) continue;
        params[key.name] =
          key.type === 'wildcard' ? value.split('/').map(decodePathText).join('/') : decodePathText(value);
      }
      return { params, matched: found[0] };
    },
    paramNames: keys.map((key) => key.name),
    literalPrefix: literalPrefix(encoded.tokens),
    shapes: expand(data.tokens).map(segmentShapes),
  };
}

/** The pattern's tokens, as written and percent-encoded, and its regexp; path-to-regexp's error without its link. */
function parsePathPattern(source: string, end: boolean) {
  try {
    // Tolerated both ways: `/items/` (as FastAPI's OpenAPI documents write paths) matches `/items` too, as `/items`
    // matches `/items/` (path-to-regexp's optional trailing slash).
    const data = parse(withoutTrailingSlash(source));
    const encoded: TokenData = { tokens: encodeTokens(data.tokens) };
    // path-to-regexp's own `match` builds prototype-less objects, several times slower than reading the regexp here.
    return { data, encoded, ...pathRegExp(encoded, end) };
  } catch (error) {
    if (!(error instanceof PathError)) throw error;
    // Without the link path-to-regexp appends: a shortened URL is no help offline, and the message says it all.
    throw new TypeError(error.message.replace(/; visit https?:\/\/\S+ for info$/, ''));
  }
}

/**
 * A mount's problem with a path `compilePathPattern` refused, worded alike for every kind of mount:
 * `invalid path pattern: Missing parameter name at index 7: /chat/:`.
 */
export function invalidPathPattern(error: unknown): string {
  return `invalid path pattern: ${(error as Error).message}`;
}

/** What a path may carry as it is (RFC 3986 pchar, and `/`); anything else a client percent-encodes. */
const PATH_CHARACTERS = "A-Za-z0-9\\-._~!$&'()*+,;=:@/";
const UNENCODED = new RegExp(`^[${PATH_CHARACTERS}]*$`);
/** An escape, or a character that needs one (by code point: an emoji is one UTF-8 sequence). */
const TO_ENCODE = new RegExp(`%[0-9A-Fa-f]{2}|[^${PATH_CHARACTERS}]`, 'gu');

/** A character a path carries as it is, escaped or not, but `/` (`%2F` is no separator) and `%` (it starts escapes). */
const PLAIN_CHARACTER = new RegExp(`^[${PATH_CHARACTERS.replace('/', '')}]$`);
const ESCAPE = /%[0-9A-Fa-f]{2}/g;

/** The character an escape stands for when a path carries it as it is (`%6F` → `o`); undefined for the rest. */
function plainCharacter(escaped: string): string | undefined {
  const character = String.fromCharCode(Number.parseInt(escaped.slice(1), 16));
  return PLAIN_CHARACTER.test(character) ? character : undefined;
}

/**
 * The path with escapes of characters it may carry as they are decoded (`/get%6Fnly` is `/getonly`, `/v1%3Abatch`
 * `/v1:batch`), as Starlette decodes a path before routing; `%2F`, `%25` and the rest stay as sent. What a pattern
 * matches: its literal text is written that way (`encodedPathText`).
 */
export function withPathCharactersDecoded(path: string): string {
  if (!path.includes('%')) return path;
  return path.replace(ESCAPE, (escaped) => plainCharacter(escaped) ?? escaped);
}

/**
 * Text as a request carries it in its path (`ünï x` → `%C3%BCn%C3%AF%20x`): characters outside pchar and `/`
 * become their UTF-8 escapes in upper-case hex, as browsers send them; escapes already there are upper-cased, and
 * those of characters a path carries as they are decoded (`%6F` is `o`); a `%` that starts none is `%25`. The index
 * files literal segments this way and looks request segments up this way.
 */
export function encodedPathText(text: string): string {
  if (UNENCODED.test(text)) return text;
  return text.replace(TO_ENCODE, (found) =>
    found.length === 3 && found.startsWith('%')
      ? (plainCharacter(found) ?? found.toUpperCase())
      : Array.from(Buffer.from(found), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/** `/items/` as `/items` (`/` stays): the pattern as the matcher compiles it. */
export function withoutTrailingSlash(source: string): string {
  return source.length > 1 ? source.replace(/\/+$/, '') || '/' : source;
}

/** Literal text encoded as clients send it (`encodedPathText`), in groups too. */
export function encodeTokens(tokens: readonly Token[]): Token[] {
  return tokens.map((token) => {
    if (token.type === 'text') return { type: 'text', value: encodedPathText(token.value) };
    if (token.type === 'group') return { type: 'group', tokens: encodeTokens(token.tokens) };
    return token;
  });
}

/**
 * path-to-regexp's regexp for encoded tokens, loosened as `encodedPathText` is: an escape's hex in either case, a
 * character fetch may leave as it is (`|`, `[`, `^`) also unencoded, and a `%` that starts no escape as it is. So a
 * literal segment matches exactly the request segments that encode to it. path-to-regexp writes no `%` of its own:
 * every `%XX` in its source is literal text.
 */
function pathRegExp(data: TokenData, end: boolean): { regexp: RegExp; keys: Keys } {
  const { regexp, keys } = pathToRegexp(data, { sensitive: true, end });
  if (!regexp.source.includes('%')) return { regexp, keys };
  const source = regexp.source.replace(/%([0-9A-F]{2})/g, (_, hex: string) => {
    const anyCase = `%${hex.replace(/[A-F]/g, (digit) => `[${digit}${digit.toLowerCase()}]`)}`;
    const code = Number.parseInt(hex, 16);
    if (code === 0x25) return `(?:${anyCase}|%(?![0-9A-Fa-f]{2}))`;
    // Non-ASCII arrives only encoded; `%2F` only so (it is no separator: `encodedPathText` decoded other pchars').
    if (code >= 0x80 || UNENCODED.test(String.fromCharCode(code))) return anyCase;
    return `(?:${anyCase}|\\x${hex})`;
  });
  return { regexp: new RegExp(source, regexp.flags), keys };
}

type Keys = ReturnType<typeof pathToRegexp>['keys'];

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

/**
 * The tokens of a pattern without optional parts, cut at each `/`: the first piece is what precedes the first `/`
 * (empty for a pattern that starts with one), then one piece per segment (empty for `//`).
 */
export function splitSegments(tokens: readonly Token[]): Token[][] {
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
  return segments;
}

function segmentShapes(tokens: readonly Token[]): SegmentShape[] {
  // What precedes the first '/' is empty: patterns start with '/'.
  return splitSegments(tokens)
    .slice(1)
    .map((segment): SegmentShape => {
      const source = stringify({ tokens: segment });
      const texts = segment.flatMap((token) => (token.type === 'text' ? [token.value] : []));
      if (texts.length === segment.length) {
        const encoded = encodedPathText(texts.join(''));
        return { kind: 'literal', text: source, test: (value) => encodedPathText(value) === encoded };
      }
      if (segment.some((token) => token.type === 'wildcard')) return { kind: 'rest', source };
      const { regexp } = pathRegExp({ tokens: encodeTokens([{ type: 'text', value: '/' }, ...segment]) }, true);
      return { kind: 'pattern', source, test: (value) => regexp.test(`/${value}`) };
    });
}
