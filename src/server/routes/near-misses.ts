import type { Context } from 'koa';
import { counted } from '../../shared/counted-words';
import { editDistance } from '../../shared/edit-distance';
import type { MissReason, MountRef, NearMiss } from '../../shared/mounts/match-report';
import { shortenText } from '../../shared/shorten-text';
import {
  type CompiledPathPattern,
  decodePathText,
  encodedPathText,
  type PathMatch,
  pathSegments,
  type SegmentShape,
} from './path-pattern';

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

/** Path and method matched, conditions did not: the closest kind of miss. */
const MATCHED_DISTANCE = 0.1;
const METHOD_DISTANCE = 0.25;
/**
 * A path that differs starts here, beyond every mount whose path and method matched (not always beyond one whose
 * method did not: a slight typo deep in a long path comes before it); how much it differs (0–1) fills the rest:
 * PATH_DISTANCE + (1 − PATH_DISTANCE) × difference.
 */
const PATH_DISTANCE = 0.15;
/** A path that differs this much or more (0 same, 1 nothing alike) is not suggested. */
const MAX_PATH_DIFFERENCE = 0.75;
/**
 * A segment missing, or one too many: a little more than half a different segment, so that a segment that differs
 * reads as one changed (`expected "orders", got "zzz"`), not as one removed and another added.
 */
const GAP_COST = 0.6;
/** A literal segment that is neither the same nor a typo. */
const DIFFERENT_COST = 1;
/** A segment that does not fit a parameter's pattern (`x` for `file-:name`). */
const PATTERN_COST = 0.5;
/** Literal segments this alike (edit distance over length) are a typo; less alike, simply different. */
const TYPO_LIMIT = 0.5;
/** Segments longer than this are compared by their start only: an edit distance costs length squared. */
const COMPARED_LENGTH = 64;
/**
 * What one 404 may cost, whatever a client sends: only the mounts the index would offer the path to are tried
 * against it (their regexps); a path deeper than MAX_EXPLAINED_SEGMENTS is compared with no pattern (only mounts
 * it matches are explained), nor is a pattern that deep; spellings are compared in at most SPELLING_BUDGET pairs of
 * characters, and paths aligned in at most ALIGNMENT_BUDGET steps — in a table too large for that, mounts late in
 * it go unsuggested.
 */
const MAX_EXPLAINED_SEGMENTS = 32;
const SPELLING_BUDGET = 500_000;
const ALIGNMENT_BUDGET = 500_000;

/**
 * The mounts closest to a request nothing answered, closest first, each with the reasons it did not match:
 * the method, the path segments that differed, or — when both matched — each condition that failed. Computed only
 * when a request ends 404, over every mount (the cost of a 404, not of every request), within fixed budgets; the
 * reasons only for the mounts shown.
 */
export async function nearMisses(
  ctx: Context,
  candidates: readonly NearMissCandidate[],
  limit: number,
): Promise<NearMiss[]> {
  const request = new RequestPath(ctx.path);
  const found: Found[] = [];
  for (const [order, candidate] of candidates.entries()) {
    const methodOk = candidate.answersMethod(ctx.method);
    // Only the mounts the index would offer the path to can match it: no regexp for the others.
    const match = request.mayMatch(candidate.pattern.literalPrefix) ? candidate.pattern.match(ctx.path) : undefined;
    if (match) {
      found.push({ candidate, order, methodOk, match, distance: methodOk ? MATCHED_DISTANCE : METHOD_DISTANCE });
      continue;
    }
    if (request.tooDeep) continue;
    const path = closestShape(candidate.pattern.shapes, request, candidate.prefix);
    if (!path) continue;
    const distance = PATH_DISTANCE + (1 - PATH_DISTANCE) * path.difference + (methodOk ? 0 : METHOD_DISTANCE);
    found.push({ candidate, order, methodOk, shape: path.shape, distance: Math.round(distance * 1000) / 1000 });
  }
  found.sort((a, b) => a.distance - b.distance || a.order - b.order);
  // A collection offers two patterns; show it once, at its closest.
  const seen = new Set<string>();
  const misses: NearMiss[] = [];
  for (const near of found) {
    const key = `${near.candidate.ref.kind}:${near.candidate.ref.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    misses.push(await told(ctx, request, near));
    if (misses.length === limit) break;
  }
  return misses;
}

/** A mount that came close: matched (with its parameters), or the form of its pattern closest to the path. */
interface Found {
  candidate: NearMissCandidate;
  /** Its place in the table: of mounts as close, the first is shown first. */
  order: number;
  distance: number;
  methodOk: boolean;
  match?: PathMatch;
  shape?: readonly SegmentShape[];
}

/** A near miss as shown, with its reasons. */
async function told(ctx: Context, request: RequestPath, near: Found): Promise<NearMiss> {
  const { candidate, match, shape, methodOk } = near;
  const reasons: MissReason[] = [];
  if (shape) {
    const path = alignShape(shape, request, candidate.prefix, true);
    for (const message of path?.reasons ?? []) reasons.push({ part: 'path', message });
  }
  if (!methodOk) reasons.push({ part: 'method', message: `method: expected ${candidate.method}, got ${ctx.method}` });
  else if (match) reasons.push(...((await candidate.whyNot?.(ctx, match.params)) ?? []));
  const miss: NearMiss = {
    mount: candidate.ref,
    method: candidate.method,
    path: candidate.path,
    distance: near.distance,
    reasons,
  };
  if (candidate.name !== undefined) miss.name = candidate.name;
  return miss;
}

type LiteralShape = SegmentShape & { kind: 'literal' };

/** How a literal segment compares with each of the request's segments. */
interface LiteralCosts {
  /** Per request segment: 0 the same, up to TYPO_LIMIT a typo (the share of the spelling that differs), else DIFFERENT_COST. */
  costs: Float64Array;
  /** Whether some segment is the same or a typo: else pairing it tells nothing. */
  alike: boolean;
}

/**
 * A request's path as near misses compare it: its segments as sent (the regexps' and the index's view), encoded as
 * the index files literals, read as people read them (`%C3%BCnx` is `ünx`), each weighing 1/place (the leading
 * segments say which part of the API a request is for); how unlike each is to a literal, worked out once per literal
 * however many mounts share it; and the budgets of the one 404.
 */
class RequestPath {
  /** The segments as sent, a trailing slash dropped (patterns tolerate it: `/items/` is `/items`). */
  readonly segments: readonly string[];
  readonly texts: readonly string[];
  readonly weights: readonly number[];
  /** Every segment as sent, encoded: the literal prefixes mounts are filed under must start it to match at all. */
  private readonly encoded: readonly string[];
  private readonly literals = new Map<string, LiteralCosts>();
  private readonly nothingAlike: LiteralCosts;
  private spelling = SPELLING_BUDGET;
  private alignment = ALIGNMENT_BUDGET;
  /** One alignment's table, reused for every mount (sized for the longest pattern compared). */
  readonly cost: Float64Array;
  readonly step: Uint8Array;
  /** The pattern's literal segments' costs, by its segment (reused too). */
  readonly unlike: (Float64Array | undefined)[] = [];

  /** Too deep to compare with patterns: only the mounts it matches are explained. */
  readonly tooDeep: boolean;

  constructor(path: string) {
    const sent = pathSegments(path);
    this.encoded = sent.map(encodedPathText);
    this.segments = sent.length > 1 && sent.at(-1) === '' ? sent.slice(0, -1) : sent;
    this.tooDeep = this.segments.length > MAX_EXPLAINED_SEGMENTS;
    this.texts = this.tooDeep ? [] : this.segments.map(decodePathText);
    this.weights = this.tooDeep ? [] : this.segments.map((_, index) => 1 / (index + 1));
    const cells = this.tooDeep ? 0 : (MAX_EXPLAINED_SEGMENTS + 1) * (this.segments.length + 1);
    this.cost = new Float64Array(cells);
    this.step = new Uint8Array(cells);
    this.nothingAlike = { costs: new Float64Array(this.segments.length).fill(DIFFERENT_COST), alike: false };
  }

  /** Whether a pattern filed under `literalPrefix` may match the path at all (as the index finds candidates). */
  mayMatch(literalPrefix: readonly string[]): boolean {
    if (literalPrefix.length > this.encoded.length) return false;
    for (let index = 0; index < literalPrefix.length; index++)
      if (literalPrefix[index] !== this.encoded[index]) return false;
    return true;
  }

  /** Weight of a segment missing before segment `index` (as the one before it weighs: a gap costs no less than a change). */
  gapWeight(index: number): number {
    return this.weights[Math.max(index - 1, 0)] ?? 1;
  }

  /** Takes `cells` of the alignment budget; false when it is spent. */
  align(cells: number): boolean {
    if (this.alignment < cells) return false;
    this.alignment -= cells;
    return true;
  }

  /** How a literal segment compares with each of the request's. */
  literal(shape: LiteralShape): LiteralCosts {
    const literal = shape.text;
    let found = this.literals.get(literal);
    if (found) return found;
    // As written in the pattern: without a `\\` it is the text itself, compared as the index does.
    const encoded = literal.includes('\\') ? undefined : encodedPathText(literal);
    // Most literals are like no segment: they share one table of DIFFERENT_COST, and only the others get their own.
    let costs: Float64Array | undefined;
    for (let index = 0; index < this.segments.length; index++) {
      let unlike = DIFFERENT_COST;
      const text = this.texts[index] ?? '';
      const same = encoded === undefined ? shape.test(this.segments[index] ?? '') : this.encoded[index] === encoded;
      if (same) unlike = 0;
      else if (mayBeTypo(literal, text)) {
        const cells = Math.min(literal.length, COMPARED_LENGTH) * Math.min(text.length, COMPARED_LENGTH);
        if (this.spelling < cells) continue;
        this.spelling -= cells;
        const distance = typoDistance(literal, text);
        if (distance <= TYPO_LIMIT) unlike = distance;
      }
      if (unlike === DIFFERENT_COST) continue;
      costs ??= new Float64Array(this.segments.length).fill(DIFFERENT_COST);
      costs[index] = unlike;
    }
    found = costs ? { costs, alike: true } : this.nothingAlike;
    this.literals.set(literal, found);
    return found;
  }
}

interface PathComparison {
  /** The weighted share of the segments compared that differ: 0 same, 1 nothing alike. */
  difference: number;
  /** Why they differ (when asked for). */
  reasons: string[];
}

/**
 * The form of the pattern closest to the request's path among those that have something in common with it (a
 * literal segment the same or spelled alike), or undefined when none has, or none is close enough to suggest.
 */
function closestShape(
  shapes: readonly (readonly SegmentShape[])[],
  request: RequestPath,
  prefix: boolean,
): { difference: number; shape: readonly SegmentShape[] } | undefined {
  let best: { difference: number; shape: readonly SegmentShape[] } | undefined;
  for (const shape of shapes) {
    const result = alignShape(shape, request, prefix, false);
    if (result && result.difference < MAX_PATH_DIFFERENCE && (!best || result.difference < best.difference))
      best = { difference: result.difference, shape };
  }
  return best;
}

/** One step of an alignment: a pattern segment against a request segment, a request segment too many, or one missing. */
enum Step {
  Pair = 1,
  Extra = 2,
  Missing = 3,
}

/** Costs this close are equal (sums of the same costs in another order). */
const SAME = 1e-9;

/**
 * Aligns the pattern's segments with the request's, as an edit distance over segments: a segment paired with one
 * of the request's costs 0 when it fits, a typo what share of its spelling differs, another literal DIFFERENT_COST,
 * a text that does not fit a parameter's pattern PATTERN_COST; a segment too many or missing costs GAP_COST. So
 * `/v2/api/items` is `/api/items` with one segment too many, and `/api/gardens/1/plantz` is `/api/plants` with two
 * segments too many and a typo. Of alignments that cost the same, the one with its gaps last is told. A wildcard (or
 * a static folder's prefix) takes the rest of the path as one step: matching anything, what it takes says nothing
 * of closeness. Undefined when no literal segment is paired with the same or a similar one: nothing in common.
 */
function alignShape(
  shape: readonly SegmentShape[],
  request: RequestPath,
  prefix: boolean,
  tell: boolean,
): PathComparison | undefined {
  if (shape.length > MAX_EXPLAINED_SEGMENTS) return undefined;
  const restAt = shape.findIndex((segment) => segment.kind === 'rest');
  const rows = restAt === -1 ? shape.length : restAt;
  // Nothing spelled alike anywhere: no need to align (most mounts, for most 404s).
  const { unlike } = request;
  let alike = false;
  for (let row = 0; row < rows; row++) {
    const segment = shape[row];
    if (segment?.kind !== 'literal') continue;
    const literal = request.literal(segment);
    unlike[row] = literal.costs;
    if (literal.alike) alike = true;
  }
  if (!alike) return undefined;
  const last = request.segments.length;
  const columns = last + 1;
  // Telling why costs no budget: it is done again only for the few mounts shown.
  if (!tell && !request.align((rows + 1) * columns)) return undefined;
  const { cost, step } = request;
  for (let row = 0; row <= rows; row++) {
    for (let column = 0; column < columns; column++) {
      if (row === 0 && column === 0) continue;
      const at = row * columns + column;
      let best = Number.POSITIVE_INFINITY;
      let how = Step.Pair;
      // Gaps first, a pair only when cheaper: walked back from the end, the gaps come last.
      if (column > 0) {
        best = (cost[at - 1] ?? 0) + GAP_COST;
        how = Step.Extra;
      }
      if (row > 0) {
        const missing = (cost[at - columns] ?? 0) + GAP_COST;
        if (missing < best - SAME) {
          best = missing;
          how = Step.Missing;
        }
      }
      if (row > 0 && column > 0) {
        const paired = (cost[at - columns - 1] ?? 0) + pairCost(shape, request, row - 1, column - 1);
        if (paired < best - SAME) {
          best = paired;
          how = Step.Pair;
        }
      }
      cost[at] = best;
      step[at] = how;
    }
  }

  // Where the pattern's last segment ends: at the request's end, or anywhere before it for a wildcard or a prefix.
  let end = last;
  let endCost = (cost[rows * columns + last] ?? 0) + (restAt === -1 ? 0 : GAP_COST);
  if (restAt !== -1 || prefix) {
    for (let column = last - 1; column >= 0; column--) {
      const here = cost[rows * columns + column] ?? 0;
      if (here < endCost - SAME) {
        end = column;
        endCost = here;
      }
    }
  }
  return explain(shape, request, rows, end, restAt, tell);
}

/** A pattern segment paired with a request segment: what it costs (0 when it fits). */
function pairCost(shape: readonly SegmentShape[], request: RequestPath, row: number, column: number): number {
  const segment = shape[row];
  if (segment?.kind === 'literal') return request.unlike[row]?.[column] ?? DIFFERENT_COST;
  if (segment?.kind === 'pattern') return segment.test(request.segments[column] ?? '') ? 0 : PATTERN_COST;
  return 0;
}

/** Whether a wildcard starting at `column` has something to take. */
const hasRest = (request: RequestPath, column: number) => column < request.segments.length;

/**
 * Walks the alignment back from its end: how much the path differs — each step weighing as the request segment it is
 * at (1/place), so that a difference among the leading segments, which say which part of the API a request is for,
 * counts more than one at the end — and, when telling, why. Undefined when no literal segment was paired with the
 * same or a similar one.
 */
function explain(
  shape: readonly SegmentShape[],
  request: RequestPath,
  rows: number,
  end: number,
  restAt: number,
  tell: boolean,
): PathComparison | undefined {
  const { step } = request;
  const columns = request.segments.length + 1;
  let cost = 0;
  let weights = 0;
  let shared = false;
  const why = tell ? new Reasons() : undefined;
  if (restAt !== -1) {
    const took = hasRest(request, end);
    const weight = took ? (request.weights[end] ?? 1) : request.gapWeight(end);
    if (!took) cost += GAP_COST * weight;
    weights += weight;
    if (!took) why?.add(`path segment ${end + 1}: expected something for ${source(shape[restAt])}`);
  }
  let row = rows;
  let column = end;
  while (row > 0 || column > 0) {
    const how = row === 0 ? Step.Extra : column === 0 ? Step.Missing : (step[row * columns + column] as Step);
    if (how === Step.Extra) {
      column -= 1;
      const weight = request.weights[column] ?? 1;
      cost += GAP_COST * weight;
      weights += weight;
      why?.gap('too many', request.segments[column] ?? '');
      continue;
    }
    if (how === Step.Missing) {
      row -= 1;
      const weight = request.gapWeight(column);
      cost += GAP_COST * weight;
      weights += weight;
      why?.gap('missing', source(shape[row]));
      continue;
    }
    row -= 1;
    column -= 1;
    const segment = shape[row];
    const differs = pairCost(shape, request, row, column);
    const weight = request.weights[column] ?? 1;
    cost += differs * weight;
    weights += weight;
    if (segment?.kind === 'literal' && differs < DIFFERENT_COST) shared = true;
    if (!why || differs === 0) continue;
    if (segment?.kind === 'literal') {
      const got = JSON.stringify(shorten(request.texts[column] ?? ''));
      why.add(`path segment ${column + 1}: expected ${JSON.stringify(segment.text)}, got ${got}`);
    } else {
      const got = JSON.stringify(shorten(request.segments[column] ?? ''));
      why.add(`path segment ${column + 1}: ${got} does not fit ${JSON.stringify(source(segment))}`);
    }
  }
  if (!shared) return undefined;
  return { difference: weights === 0 ? 0 : cost / weights, reasons: why?.inPathOrder() ?? [] };
}

/** Reasons gathered walking an alignment back (last first); a run of segments too many or missing is one reason. */
class Reasons {
  private readonly told: string[] = [];
  private run: { what: 'too many' | 'missing'; segments: string[] } | undefined;

  add(reason: string): void {
    this.endRun();
    this.told.push(reason);
  }

  gap(what: 'too many' | 'missing', segment: string): void {
    if (this.run?.what !== what) {
      this.endRun();
      this.run = { what, segments: [] };
    }
    this.run.segments.push(segment);
  }

  inPathOrder(): string[] {
    this.endRun();
    return this.told.reverse();
  }

  private endRun(): void {
    if (!this.run) return;
    const { what, segments } = this.run;
    const count = segments.length;
    const text = shorten(`/${segments.reverse().join('/')}`);
    this.told.push(`path: ${counted(count, 'segment')} ${what} ("${text}")`);
    this.run = undefined;
  }
}

const source = (segment: SegmentShape | undefined) =>
  segment === undefined ? '' : segment.kind === 'literal' ? segment.text : segment.source;
const shorten = (text: string) => shortenText(text, COMPARED_LENGTH + 1);

/** Whether two spellings may be a typo of each other: not when one is empty, or their lengths alone say no. */
function mayBeTypo(left: string, right: string): boolean {
  const [a, b] = [Math.min(left.length, COMPARED_LENGTH), Math.min(right.length, COMPARED_LENGTH)];
  return a > 0 && b > 0 && Math.abs(a - b) / Math.max(a, b) <= TYPO_LIMIT;
}

/**
 * How unlike two spellings are: the edit distance over the longer length, on the first COMPARED_LENGTH
 * characters, when it is at most TYPO_LIMIT (a typo); 1 when it is more (different) — without working it out when
 * the lengths alone say so.
 */
function typoDistance(left: string, right: string): number {
  const [a, b] = [left.slice(0, COMPARED_LENGTH), right.slice(0, COMPARED_LENGTH)];
  const longer = Math.max(a.length, b.length);
  if (!mayBeTypo(a, b)) return 1;
  const unlike = editDistance(a, b) / longer;
  return unlike <= TYPO_LIMIT ? unlike : 1;
}
