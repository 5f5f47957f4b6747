import type { Context } from 'koa';
import type { MissReason, MountRef, NearMiss } from '../../shared/mounts/match-report';
import { type CompiledPathPattern, decodePathText, pathSegments, type SegmentShape } from './path-pattern';

/** What a mount offers to near-miss reports: its place in the table and, once its path matched, what else failed. */
export interface NearMissCandidate {
  readonly ref: MountRef;
  readonly name?: string;
  /** As shown: `GET`, `ANY`, `GET POST`. */
  readonly method: string;
  /** As shown: the path pattern. */
  readonly path: string;
  readonly pattern: CompiledPathPattern;
  /** Static folders match a prefix: a longer request path is not a difference. */
  readonly prefix: boolean;
  answersMethod(method: string): boolean;
  /** Why the mount did not answer although path and method matched (a route's failed conditions). */
  whyNot?(ctx: Context, params: Record<string, string>): Promise<MissReason[]>;
}

/** A mount is suggested when the request's path is closer to its pattern than this (0 same, 1 nothing alike). */
const MAX_PATH_DISTANCE = 0.5;
const METHOD_DISTANCE = 0.25;
/** Path and method matched, conditions did not: the closest kind of miss. */
const MATCHED_DISTANCE = 0.1;
/** A segment missing or too many. */
const LENGTH_COST = 0.5;
/** Literal segments this alike (edit distance over length) are a typo; less alike, simply different. */
const TYPO_LIMIT = 0.5;
/** Segments longer than this are compared by their start only: an edit distance costs length squared. */
const COMPARED_LENGTH = 64;

/**
 * The mounts closest to a request nothing answered, closest first, each with the reasons it did not match:
 * the method, the path segment that differed, or — when both matched — each condition that failed. Computed only
 * when a request ends 404, over every mount (the cost of a 404, not of every request).
 */
export async function nearMisses(
  ctx: Context,
  candidates: readonly NearMissCandidate[],
  limit: number,
): Promise<NearMiss[]> {
  const segments = pathSegments(ctx.path);
  const found: { miss: NearMiss; order: number }[] = [];
  for (const [order, candidate] of candidates.entries()) {
    const reasons: MissReason[] = [];
    let distance = 0;
    const methodOk = candidate.answersMethod(ctx.method);
    const match = candidate.pattern.match(ctx.path);
    if (!match) {
      const path = closestShape(candidate.pattern.shapes, segments, candidate.prefix);
      if (path.distance >= MAX_PATH_DISTANCE) continue;
      distance += path.distance;
      reasons.push(...path.reasons.map((message): MissReason => ({ part: 'path', message })));
    }
    if (!methodOk) {
      distance += METHOD_DISTANCE;
      reasons.push({ part: 'method', message: `method: expected ${candidate.method}, got ${ctx.method}` });
    }
    if (match && methodOk) {
      distance = MATCHED_DISTANCE;
      reasons.push(...((await candidate.whyNot?.(ctx, match.params)) ?? []));
    }
    const miss: NearMiss = {
      mount: candidate.ref,
      method: candidate.method,
      path: candidate.path,
      distance: Math.round(distance * 1000) / 1000,
      reasons,
    };
    if (candidate.name !== undefined) miss.name = candidate.name;
    found.push({ miss, order });
  }
  found.sort((a, b) => a.miss.distance - b.miss.distance || a.order - b.order);
  // A collection offers two patterns; show it once, at its closest.
  const seen = new Set<string>();
  const misses: NearMiss[] = [];
  for (const { miss } of found) {
    const key = `${miss.mount.kind}:${miss.mount.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    misses.push(miss);
    if (misses.length === limit) break;
  }
  return misses;
}

/** The form of the pattern closest to the request's segments: a distance (0 = same; 1 = nothing alike) and why. */
function closestShape(
  shapes: readonly (readonly SegmentShape[])[],
  segments: readonly string[],
  prefix: boolean,
): { distance: number; reasons: string[] } {
  let best = { distance: Number.POSITIVE_INFINITY, reasons: [] as string[] };
  for (const shape of shapes) {
    const result = compareShape(shape, segments, prefix);
    if (result.distance < best.distance) best = result;
  }
  return best;
}

function compareShape(
  shape: readonly SegmentShape[],
  segments: readonly string[],
  prefix: boolean,
): { distance: number; reasons: string[] } {
  let cost = 0;
  const reasons: string[] = [];
  const length = Math.max(shape.length, segments.length, 1);
  for (let index = 0; index < length; index++) {
    const expected = shape[index];
    const got = segments[index];
    const place = `segment ${index + 1}`;
    if (expected === undefined) {
      if (prefix) break;
      const extra = segments.slice(index);
      cost += extra.length * LENGTH_COST;
      reasons.push(`path: ${extra.length} segment${extra.length === 1 ? '' : 's'} too many ("/${extra.join('/')}")`);
      break;
    }
    if (got === undefined) {
      const missing = shape.slice(index);
      cost += missing.length * LENGTH_COST;
      reasons.push(
        `path: ${missing.length} segment${missing.length === 1 ? '' : 's'} missing ("/${missing.map(source).join('/')}")`,
      );
      break;
    }
    if (expected.kind === 'rest') {
      if (got === '') {
        cost += LENGTH_COST;
        reasons.push(`path ${place}: expected something for ${expected.source}`);
      }
      break;
    }
    if (expected.kind === 'literal' && !expected.test(got)) {
      // Compared as people read them: `%C3%BCnx` is a typo of `ünï`.
      const read = decodePathText(got);
      const unlike = editDistance(expected.text, read);
      cost += unlike <= TYPO_LIMIT ? unlike : 1;
      reasons.push(`path ${place}: expected ${JSON.stringify(expected.text)}, got ${JSON.stringify(shorten(read))}`);
    } else if (expected.kind === 'pattern' && !expected.test(got)) {
      cost += 0.5;
      reasons.push(`path ${place}: ${JSON.stringify(shorten(got))} does not fit ${JSON.stringify(expected.source)}`);
    }
  }
  return { distance: cost / length, reasons };
}

const source = (segment: SegmentShape) => (segment.kind === 'literal' ? segment.text : segment.source);
const shorten = (text: string) => (text.length > COMPARED_LENGTH ? `${text.slice(0, COMPARED_LENGTH)}…` : text);

/** Levenshtein distance over the longer length (0 same, 1 nothing alike), on the first COMPARED_LENGTH characters. */
function editDistance(left: string, right: string): number {
  const [a, b] = [left.slice(0, COMPARED_LENGTH), right.slice(0, COMPARED_LENGTH)];
  if (a.length === 0 || b.length === 0) return 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return (previous[b.length] ?? 0) / Math.max(a.length, b.length);
}
