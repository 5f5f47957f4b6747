import { jsonExcerpt } from '../support/json-excerpt';

/**
 * The most of an input (or a key in `loc`) a 422 echoes back, in characters of its JSON text (of the text itself,
 * for a string).
 */
export const MAX_ECHOED_INPUT_CHARS = 1024;

/** What follows the excerpt of an input too long to echo whole. */
export const TRUNCATED_INPUT_MARK = '…(truncated)';

/**
 * The `input` of a 422 entry. FastAPI echoes inputs whole, and so does this when the input's JSON fits in
 * `MAX_ECHOED_INPUT_CHARS`; a longer one becomes a string — its first `MAX_ECHOED_INPUT_CHARS` characters
 * (of its JSON text; of the text itself for a string) followed by `…(truncated)` — so an error never repeats
 * a megabyte of body, nor a nesting too deep to serialise.
 */
export function echoedInput(input: unknown): unknown {
  if (input === undefined) return null;
  if (typeof input === 'string') {
    return input.length <= MAX_ECHOED_INPUT_CHARS
      ? input
      : `${input.slice(0, MAX_ECHOED_INPUT_CHARS)}${TRUNCATED_INPUT_MARK}`;
  }
  if (input === null || typeof input !== 'object') return input;
  const { text, complete } = jsonExcerpt(input, MAX_ECHOED_INPUT_CHARS);
  return complete ? input : `${text}${TRUNCATED_INPUT_MARK}`;
}
