import { parse, pathToRegexp, type Token } from 'path-to-regexp';
import { encodeTokens, splitSegments, withoutTrailingSlash } from '../routes/path-pattern';
import type { IssuePath, MountIssues } from './mount-validation-error';

/**
 * Flags each enabled mount whose path an earlier enabled mount of the same kind already serves, where the first
 * always answers (a collection's records, a socket's connections, an agent's runs): the second would never be
 * reached. Disabled ones may share a path, as versions of one mount switched in turn.
 *
 * "Already serves" is decided as the matcher (`compilePathPattern`) matches, not by the path's text:
 * - the same path: both compile to one regexp — a parameter matches whatever its name (`/ws/:room`, `/ws/:name`),
 *   a trailing slash makes no difference (`/ws/a`, `/ws/a/`), and literal text matches as clients send it (`/ünï`,
 *   `/%C3%BCn%C3%AF`); letter case does count (`/WS` is another path);
 * - or an earlier path matches every path the later one does: a parameter that is a whole segment matches any
 *   (non-empty) segment (`/ws/:id` before `/ws/lobby` or `/ws/:room/:user` before `/ws/:room/admin`), a wildcard
 *   that is the whole last segment any rest (`/files/*path` before `/files/a/b`). The other way round both are
 *   reached: `/ws/lobby` before `/ws/:id` takes only its own path. Paths with optional parts (`{…}`) and
 *   parameters inside a segment (`/:name.json`) are compared only as the same path, so none that can be reached is
 *   refused.
 */
export function flagShadowedPaths(
  mounts: readonly { id: string; enabled: boolean; path: string }[],
  at: IssuePath,
  noun: string,
  issues: MountIssues,
): void {
  const first = new Map<string, { id: string; path: string }>();
  // Earlier paths with a parameter or a wildcard segment: those that may serve other paths than their own.
  const covering = new WidePaths<{ id: string; path: string; segments: Segment[] }>();
  mounts.forEach((mount, index) => {
    if (!mount.enabled) return;
    const form = pathForm(mount.path);
    // A path that does not compile is reported by its compiler.
    const key = comparableKey(mount.path, form);
    const same = first.get(key);
    const segments = form?.segments;
    const wider =
      same || !segments ? undefined : covering.mayCover(form).find((earlier) => covers(earlier.segments, segments));
    const earlier = same ?? wider;
    if (earlier) {
      const why = same ? sameBecause(same.path, mount.path) : coveredBecause(wider?.segments ?? []);
      const reason = why === '' ? '' : `: its path ${earlier.path} ${why}`;
      issues.add(
        [...at, index, 'path'],
        `${noun} '${earlier.id}' already serves ${mount.path}${reason}, so this one would never be reached: change its path or disable one of them`,
      );
      return;
    }
    first.set(key, { id: mount.id, path: mount.path });
    if (segments) covering.add(form, { id: mount.id, path: mount.path, segments });
  });
}

/** A path as `flagShadowedPaths` compares paths; undefined when it does not compile. */
export type ComparablePath = PathForm | undefined;

/**
 * What two paths that match the same requests have in common (`path` being `text`'s form): the matcher's regexp; a
 * path that does not compile is compared as written.
 */
export const comparableKey = (text: string, path: ComparablePath): string => path?.regexp ?? `\u0000${text}`;

/** Whether a path may match other paths than its own: it has a parameter or a wildcard segment. */
const mayCoverOthers = (path: ComparablePath): boolean =>
  path?.segments?.some((segment) => segment.kind === 'param' || segment.kind === 'rest') === true;

/**
 * Why `later` is reached only before `earlier`: `earlier` matches every request path `later` does, and others
 * (`/users/:id` and `/users/me`), as `flagShadowedPaths` decides it; undefined when it does not, or when they are the
 * same path.
 */
export function widerPathBecause(earlier: ComparablePath, later: ComparablePath): string | undefined {
  if (!earlier?.segments || !later?.segments || earlier.regexp === later.regexp) return undefined;
  return covers(earlier.segments, later.segments) ? coveredBecause(earlier.segments) : undefined;
}

/**
 * Paths that may match others (`mayCoverOthers`), each with an item, filed by what `covers` compares first: a path
 * covers only paths of as many segments (unless it ends in a wildcard), and one whose first segment is text only
 * paths that start with that text. A path is then compared only with those that could cover it: an import of
 * GitHub's 1,223 routes compared each with every wider one before it, twice (~0.3 s).
 */
export class WidePaths<T> {
  private added = 0;
  /** By segment count and, when it is text, first segment (`spanKey`). */
  private readonly bySpan = new Map<string, { order: number; item: T }[]>();
  /** Those that end in a wildcard, which may cover longer paths. */
  private readonly open: { order: number; item: T }[] = [];

  /** Files `item` under `path`, unless `path` matches no other path than its own. */
  add(path: ComparablePath, item: T): void {
    const segments = path?.segments;
    if (!segments || !mayCoverOthers(path)) return;
    const entry = { order: this.added++, item };
    if (segments.at(-1)?.kind === 'rest') this.open.push(entry);
    else {
      const key = spanKey(segments.length, segments[0]);
      const filed = this.bySpan.get(key);
      if (filed) filed.push(entry);
      else this.bySpan.set(key, [entry]);
    }
  }

  /** The items of every path added that may match all paths `path` does (and of some that do not), in the order added. */
  mayCover(path: ComparablePath): T[] {
    const segments = path?.segments;
    if (!segments) return [];
    const lists = [this.open, this.bySpan.get(spanKey(segments.length, undefined)) ?? []];
    if (segments[0]?.kind === 'literal') lists.push(this.bySpan.get(spanKey(segments.length, segments[0])) ?? []);
    return lists
      .flat()
      .sort((first, second) => first.order - second.order)
      .map((entry) => entry.item);
  }
}

/** A path's span as `WidePaths` files it: its segment count, and its first segment when that is text. */
const spanKey = (length: number, first: Segment | undefined): string =>
  first?.kind === 'literal' ? `${length}/${first.text}` : `${length}`;

/** One segment of a path without optional parts, as far as coverage is decided. */
type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'param' }
  | { kind: 'rest' }
  /** Text and parameters in one segment (`:name.json`): compared by its shape alone. */
  | { kind: 'mixed'; shape: string }
  | { kind: 'other' };

interface PathForm {
  /** The matcher's regexp, which names no parameter: equal for paths that match exactly the same requests. */
  regexp: string;
  /** Its segments; absent when it has optional parts or does not start with `/`. */
  segments?: Segment[];
}

/**
 * The path as `compilePathPattern` compiles it — trailing slashes dropped, literal text encoded as clients send it,
 * case-sensitive, the end anchored — or undefined when it does not compile.
 */
export function pathForm(path: string): ComparablePath {
  try {
    const tokens = encodeTokens(parse(withoutTrailingSlash(path)).tokens);
    const { regexp } = pathToRegexp({ tokens }, { sensitive: true, end: true });
    const segments = tokens.some((token) => token.type === 'group') ? undefined : segmentsOf(tokens);
    return { regexp: regexp.source, ...(segments && { segments }) };
  } catch {
    return undefined;
  }
}

function segmentsOf(tokens: readonly Token[]): Segment[] | undefined {
  const segments = splitSegments(tokens);
  // A path that does not start with `/` matches no request path: compared only as the same path.
  if (segments[0]?.length) return undefined;
  return segments.slice(1).map((segment): Segment => {
    if (segment.every((token) => token.type === 'text'))
      return { kind: 'literal', text: segment.map((token) => (token.type === 'text' ? token.value : '')).join('') };
    const [only] = segment;
    if (segment.length === 1 && only?.type === 'param') return { kind: 'param' };
    if (segment.length === 1 && only?.type === 'wildcard') return { kind: 'rest' };
    if (segment.some((token) => token.type === 'wildcard')) return { kind: 'other' };
    return {
      kind: 'mixed',
      shape: JSON.stringify(segment.map((token) => (token.type === 'text' ? token.value : null))),
    };
  });
}

/** Whether the earlier path matches every request path the later one does. */
function covers(earlier: readonly Segment[], later: readonly Segment[]): boolean {
  // Compared without copying, and by length first: an import orders a thousand routes, each against those before it.
  if (earlier.length !== later.length && earlier.at(-1)?.kind !== 'rest') return false;
  for (let index = 0; index < earlier.length; index++) {
    const segment = earlier[index] as Segment;
    const left = later.length - index;
    // A wildcard matches any non-empty rest (slashes too): all but the root's single empty segment.
    if (segment.kind === 'rest')
      return index === earlier.length - 1 && left > 0 && !(left === 1 && isEmpty(later[index]));
    const other = later[index];
    if (!other) return false;
    if (segment.kind === 'param') {
      // Any non-empty segment without a slash: not a wildcard's, nor an empty one (`//`).
      if (other.kind === 'rest' || other.kind === 'other' || isEmpty(other)) return false;
    } else if (segment.kind === 'literal') {
      if (other.kind !== 'literal' || other.text !== segment.text) return false;
    } else if (segment.kind === 'mixed') {
      if (other.kind !== 'mixed' || other.shape !== segment.shape) return false;
    } else return false;
  }
  return later.length === earlier.length;
}

const isEmpty = (segment: Segment | undefined): boolean => segment?.kind === 'literal' && segment.text === '';

/** Why two paths that compile alike are one path, for the message ('' when written alike). */
function sameBecause(earlier: string, later: string): string {
  if (earlier === later) return '';
  const reasons: string[] = [];
  const earlierTokens = tokensOf(earlier);
  const laterTokens = tokensOf(later);
  if (paramNames(earlierTokens).join('/') !== paramNames(laterTokens).join('/'))
    reasons.push('a parameter matches whatever its name');
  if (trailingSlashes(earlier) !== trailingSlashes(later)) reasons.push('a trailing slash makes no difference');
  if (texts(earlierTokens) !== texts(laterTokens)) reasons.push('text matches as clients send it, percent-encoded');
  return `is the same path (${reasons.length > 0 ? reasons.join(', and ') : 'they match the same requests'})`;
}

function coveredBecause(earlier: readonly Segment[]): string {
  const reasons: string[] = [];
  if (earlier.some((segment) => segment.kind === 'param')) reasons.push('a parameter matches any segment');
  if (earlier.some((segment) => segment.kind === 'rest')) reasons.push('a wildcard matches any rest of the path');
  return `matches every path this one does (${reasons.join(', and ')}), and the first that matches answers`;
}

const trailingSlashes = (path: string): number => path.length - path.replace(/\/+$/, '').length;

function tokensOf(path: string): readonly Token[] {
  try {
    return parse(withoutTrailingSlash(path)).tokens;
  } catch {
    return [];
  }
}

function paramNames(tokens: readonly Token[]): string[] {
  return tokens.flatMap((token) =>
    token.type === 'group' ? paramNames(token.tokens) : token.type === 'text' ? [] : [token.name],
  );
}

/** The literal text with each parameter as one placeholder, as written. */
function texts(tokens: readonly Token[]): string {
  return tokens
    .map((token) =>
      token.type === 'text' ? token.value : token.type === 'group' ? `{${texts(token.tokens)}}` : '\u0000',
    )
    .join('');
}
