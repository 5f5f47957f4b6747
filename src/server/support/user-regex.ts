import { RE2JS } from 're2js';

/**
 * Every regular expression a user writes (route conditions, JSON Schema `pattern`, collection `_like` filters) is
 * compiled here, with RE2: matching takes linear time whatever the pattern and the input, so no pattern from a
 * workspace and no text from a client can hang the engine. RE2 has no backreferences and no lookarounds.
 */
export interface UserRegex {
  readonly source: string;
  /** Whether the pattern matches anywhere in `text` (anchor it with `^…$` to match the whole text). */
  test(text: string): boolean;
}

export class UserRegexError extends Error {
  override name = 'UserRegexError';
}

export function compileUserRegex(pattern: string): UserRegex {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserRegexError(
      `invalid regular expression ${JSON.stringify(pattern)}: ${reason} (RE2 syntax: no backreferences or lookarounds)`,
    );
  }
  return { source: pattern, test: (text) => compiled.test(text) };
}
