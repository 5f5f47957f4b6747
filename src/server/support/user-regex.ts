import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';

/**
 * Patterns people write (scenario triggers, route conditions, JSON Schema `pattern`s, collection filters, socket rules) run on RE2 (re2js), whose
 * matching time grows linearly with the input whatever the pattern: `^(a+)+$` cannot stall the engine the way
 * it stalls a backtracking RegExp. The price is RE2's syntax — no lookaround and no backreferences — so every
 * user pattern is compiled here, when it is stored, and one RE2 refuses is refused with a message to show.
 */

/** The longest pattern accepted: compiling costs time in its length, and no hand-written pattern needs more. */
export const USER_REGEX_MAX_LENGTH = 1000;

export interface UserRegexOptions {
  /** Letters match in either case (Unicode case folding). */
  caseInsensitive?: boolean;
}

/** A compiled user pattern. */
export interface UserRegex {
  /** The pattern as written, as RegExp's `source`. */
  readonly source: string;
  /** Whether the pattern matches anywhere in `input` (as RegExp.prototype.test), in time linear in its length. */
  test(input: string): boolean;
}

/** A pattern RE2 cannot compile; the message says why, for the caller to put after the field's name. */
export class UserRegexError extends Error {
  override name = 'UserRegexError';
}

/** Compiles `pattern` for matching user input, or throws `UserRegexError`. */
export function compileUserRegex(pattern: string, options: UserRegexOptions = {}): UserRegex {
  if (pattern.length > USER_REGEX_MAX_LENGTH) {
    throw new UserRegexError(`the pattern is ${pattern.length} characters long; the limit is ${USER_REGEX_MAX_LENGTH}`);
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern, options.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    throw new UserRegexError(
      `not a pattern the engine can run: ${describe(error, pattern, options.caseInsensitive === true)} (patterns use RE2 syntax: no lookaround, no backreferences)`,
    );
  }
  return { source: pattern, test: (input) => compiled.test(input) };
}

/** RE2's own words, quoting the user's pattern rather than the one RE2 compiled (`(?i)` in front when folding). */
function describe(error: RE2JSException, pattern: string, folded: boolean): string {
  if (!(error instanceof RE2JSSyntaxException)) return error.message;
  const compiled = error.getPattern() ?? '';
  const quoted = folded && compiled === `(?i)${pattern}` ? pattern : compiled;
  return quoted && pattern.includes(quoted) ? `${error.getDescription()} at \`${quoted}\`` : error.getDescription();
}
