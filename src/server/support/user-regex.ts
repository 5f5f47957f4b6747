import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';

/**
 * Patterns people write (scenario triggers, route conditions, JSON Schema `pattern`s, collection filters, socket rules) run on RE2 (re2js), whose
 * matching time grows linearly with the input whatever the pattern: `^(a+)+$` cannot stall the engine the way
 * it stalls a backtracking RegExp. The price is RE2's syntax — no lookaround and no backreferences — so every
 * user pattern is compiled here, when it is stored, and one RE2 refuses is refused with a message to show.
 *
 * Linear, but in the text's length times the pattern's compiled size (`\pL{500}` is 500 steps a character), so
 * both are bounded: a pattern compiles to at most USER_REGEX_MAX_PROGRAM_SIZE steps, and a match reads at most
 * USER_REGEX_MATCH_BUDGET ÷ that size characters of the text.
 */

/** The longest pattern accepted: compiling costs time in its length, and no hand-written pattern needs more. */
export const USER_REGEX_MAX_LENGTH = 1000;

/**
 * The largest compiled program accepted, in RE2's steps (re2js's `programSize`): a counted repetition copies its
 * part, so `[a-z]{1,255}` is about 510 steps and `\pL{500}` about 500. Beyond it a pattern could read only a few
 * hundred characters of a text (USER_REGEX_MATCH_BUDGET).
 */
export const USER_REGEX_MAX_PROGRAM_SIZE = 1000;

/**
 * Program size × characters read, the most one match may cost. RE2 takes at most about that many steps, at 20 to
 * 300 ns a step in re2js (measured), so no match holds the event loop for more than tens of milliseconds; and it
 * still reads a 20,000-character message whole with a 10-step pattern. A longer text is matched on its beginning.
 */
export const USER_REGEX_MATCH_BUDGET = 250_000;

/**
 * Counted repetitions adding up to more than this are refused unread: the program would be far over
 * USER_REGEX_MAX_PROGRAM_SIZE, and compiling one that large takes tens of milliseconds and more. Nearer the limit,
 * compiling is quick and the program's own size decides (with its own, more precise message).
 */
const REPETITION_TOTAL_MAX = 2 * USER_REGEX_MAX_PROGRAM_SIZE;

/**
 * Steps that the matches made within one `withinRegexBudget` may take together, a match costing its program size
 * plus RUN_STEPS_PER_CHARACTER, times the characters it reads. One match is bounded, but one request can ask for
 * thousands: a schema `pattern` on each item of a 1 MB list, a `_like` filter on each record, a body condition on
 * each value a JSONPath selects (2,000 matches of the costliest pattern held the engine 12 s). At the 17 to 45 ns a
 * step measured, this is one or two seconds at the most; a 1 MB list of UUIDs checked by a UUID pattern fits.
 */
export const USER_REGEX_RUN_BUDGET = 64_000_000;

/** What reading a character costs whatever the pattern (case folding, the matcher's own work), in steps. */
const RUN_STEPS_PER_CHARACTER = 16;

/** The budget, said for people: what a message says matching would take more than. */
export const USER_REGEX_RUN_BUDGET_TEXT = `${USER_REGEX_RUN_BUDGET} steps (a character a pattern reads costs the size it compiles to, plus ${RUN_STEPS_PER_CHARACTER})`;

/** The matches within a `withinRegexBudget` would take more than its steps: the one that would pass them is not made. */
export class UserRegexBudgetError extends Error {
  override name = 'UserRegexBudgetError';
  constructor() {
    super(
      `matching the patterns on these values would take more than ${USER_REGEX_RUN_BUDGET_TEXT}: send fewer or shorter values`,
    );
  }
}

/**
 * Steps that budgeted matches may still take together. One per request (regexBudgetOf), shared by every route
 * tried for it: each route with its own, twenty routes at one path could each spend a full budget on one request.
 */
export class RegexBudget {
  stepsLeft = USER_REGEX_RUN_BUDGET;
}

/** The budget of the matches made now, if they are budgeted: the work budgeted is synchronous, so one at a time. */
let current: RegexBudget | undefined;

/**
 * Runs the synchronous `work` with the matches it makes charged to `budget`: one that would pass it throws
 * UserRegexBudgetError instead of running. Without one, the budget of the run it is made within (a route's
 * conditions, each budgeted, share the budget of the route's request), else a new USER_REGEX_RUN_BUDGET.
 */
export function withinRegexBudget<T>(work: () => T, budget: RegexBudget = current ?? new RegexBudget()): T {
  const outer = current;
  current = budget;
  try {
    return work();
  } finally {
    current = outer;
  }
}

/** Where a request keeps its budget: a property of its own, not a WeakMap entry (an ephemeron per request). */
const OWN_BUDGET = Symbol('regexBudget');

/** The budget of `owner` (a request), made when first asked for: every run given it shares the one. */
export function regexBudgetOf(owner: object): RegexBudget {
  const holder = owner as { [OWN_BUDGET]?: RegexBudget };
  holder[OWN_BUDGET] ??= new RegexBudget();
  return holder[OWN_BUDGET];
}

/** Takes `steps` from the budget of the run the match is made in, or throws UserRegexBudgetError when it has fewer. */
function charge(steps: number): void {
  if (current === undefined) return;
  if (current.stepsLeft < steps) {
    current.stepsLeft = 0;
    throw new UserRegexBudgetError();
  }
  current.stepsLeft -= steps;
}

export interface UserRegexOptions {
  /** Letters match in either case (Unicode case folding). */
  caseInsensitive?: boolean;
}

/** A compiled user pattern. */
export interface UserRegex {
  /** The pattern as written, as RegExp's `source`. */
  readonly source: string;
  /**
   * How many characters of a text `test` reads: USER_REGEX_MATCH_BUDGET ÷ the program size. A longer text is
   * matched on its first `readLimit` characters as if it ended there (`$` matches at the cut).
   */
  readonly readLimit: number;
  /**
   * Whether the pattern matches anywhere in `input`'s first `readLimit` characters (as RegExp.prototype.test).
   * Within `withinRegexBudget`, throws UserRegexBudgetError instead once the budget is spent.
   */
  test(input: string): boolean;
}

/** A pattern refused (too long, too big, not RE2); the message says why, to put after the field's name. */
export class UserRegexError extends Error {
  override name = 'UserRegexError';
}

/** Compiles `pattern` for matching user input, or throws `UserRegexError`. */
export function compileUserRegex(pattern: string, options: UserRegexOptions = {}): UserRegex {
  if (pattern.length > USER_REGEX_MAX_LENGTH) {
    throw new UserRegexError(`the pattern is ${pattern.length} characters long; the limit is ${USER_REGEX_MAX_LENGTH}`);
  }
  const repeated = repetitionTotal(pattern);
  if (repeated > REPETITION_TOTAL_MAX) {
    // Refused before compiling: building a program of 100,000 steps (`a{1000}` 100 times) itself takes a second.
    throw new UserRegexError(
      `the pattern's counted repetitions add up to ${repeated}, far more than the ${USER_REGEX_MAX_PROGRAM_SIZE} steps a pattern may compile to: lower the counts, or use + or *`,
    );
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern, options.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    throw new UserRegexError(
      `not a pattern the engine can run: ${
        repeatCountProblem(error) ??
        `${describe(error, pattern, options.caseInsensitive === true)} (patterns use RE2 syntax: no lookaround, no backreferences)`
      }`,
    );
  }
  const size = compiled.programSize();
  if (size > USER_REGEX_MAX_PROGRAM_SIZE) {
    throw new UserRegexError(
      `the pattern compiles to ${size} steps, too many to match quickly; the limit is ${USER_REGEX_MAX_PROGRAM_SIZE} (a counted repetition such as {1,100} repeats its part that often: lower the count, or use + or *)`,
    );
  }
  const readLimit = Math.floor(USER_REGEX_MATCH_BUDGET / size);
  // A matcher, not `test`: `test` tries a lazy DFA first, which on patterns such as `(a|b)*a(a|b){15}[^ab]` builds
  // a state per character at several µs each; the matcher's engines (one-pass, bit-state, NFA) stay within
  // size × length steps.
  return {
    source: pattern,
    readLimit,
    test: (input) => {
      const text = beginning(input, readLimit);
      // One character more than its length: a match on empty text costs something too.
      charge((size + RUN_STEPS_PER_CHARACTER) * (text.length + 1));
      return compiled.matcher(text).find();
    },
  };
}

/**
 * The counts of the pattern's counted repetitions (`{n}`, `{n,}`, `{n,m}`: the larger), added up: each copies its part
 * that often, so this is at most the compiled size (RE2 itself refuses nested counts whose product passes 1000). Read
 * from the text, so an escaped `\{2}` counts too: only ever an overestimate.
 */
function repetitionTotal(pattern: string): number {
  let total = 0;
  for (const [, least, most] of pattern.matchAll(/\{(\d+)(?:,(\d*))?\}/g)) total += Number(most || least);
  return total;
}

/** The first `limit` UTF-16 units of `text`, one fewer rather than half a surrogate pair. */
function beginning(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const last = text.charCodeAt(limit - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? limit - 1 : limit);
}

/** The most RE2 repeats a part: each count, and nested counts multiplied together. */
const RE2_REPEAT_MAX = 1000;

/**
 * RE2's bare "invalid repeat count at `{100}`" said with the rule it breaks and what to change (its RE2 syntax note,
 * lookaround and backreferences, would point the wrong way): the count it quotes is backwards, over 1000, or
 * repeats a part with counts of its own whose product passes 1000. Undefined for any other refusal.
 */
function repeatCountProblem(error: RE2JSException): string | undefined {
  if (!(error instanceof RE2JSSyntaxException) || error.getDescription() !== 'invalid repeat count') return undefined;
  const quoted = error.getPattern() ?? '';
  const counts = /^\{(\d+)(,?)(\d*)\}$/.exec(quoted);
  if (!counts) return undefined;
  const [, least = '', comma, most = ''] = counts;
  const min = Number(least);
  // `{n,}` has no upper count: n is what it repeats at least.
  const max = comma && most !== '' ? Number(most) : min;
  if (Math.max(min, max) > RE2_REPEAT_MAX)
    return `the counted repetition \`${quoted}\` repeats its part more than ${RE2_REPEAT_MAX} times, the most RE2 allows: lower the count, or use + or *`;
  if (max < min) return `the counted repetition \`${quoted}\` has its larger count first: write {${most},${least}}`;
  return `the counted repetition \`${quoted}\` repeats a part with counted repetitions of its own, and RE2 allows at most ${RE2_REPEAT_MAX} repetitions with nested counts multiplied (\`(a{100}){100}\` would be 10000): lower the counts, or use + or *`;
}

/** RE2's own words, quoting the user's pattern rather than the one RE2 compiled (`(?i)` in front when folding). */
function describe(error: RE2JSException, pattern: string, folded: boolean): string {
  if (!(error instanceof RE2JSSyntaxException)) return error.message;
  const compiled = error.getPattern() ?? '';
  const quoted = folded && compiled === `(?i)${pattern}` ? pattern : compiled;
  return quoted && pattern.includes(quoted) ? `${error.getDescription()} at \`${quoted}\`` : error.getDescription();
}
