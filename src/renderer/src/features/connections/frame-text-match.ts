import type { FrameRecord } from '../../../../shared/connections';
import { frameMemo } from './frame-memo';

/** Each frame's text is searched up to here: a filter stays quick on frames of megabytes. */
export const SEARCHED_CHARS = 100_000;

/** The part of a frame's text a filter searches. */
export function searchedText(frame: FrameRecord): string {
  return frame.text.length > SEARCHED_CHARS ? frame.text.slice(0, SEARCHED_CHARS) : frame.text;
}

const ANSWER = Symbol('text filter answer');

/**
 * A plain-text filter, in any case: a literal pattern (it cannot backtrack), its answer kept with each frame
 * (for the latest filter) so only new frames are searched as they arrive.
 */
export function plainTextMatcher(text: string): (frame: FrameRecord) => boolean {
  const pattern = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  const filter = Symbol(text);
  return (frame) => {
    const kept = frameMemo(ANSWER, frame, () => ({ filter: null as symbol | null, matches: false }));
    if (kept.filter !== filter) {
      kept.filter = filter;
      kept.matches = pattern.test(searchedText(frame));
    }
    return kept.matches;
  };
}

/** Why a pattern cannot be used, or null when it compiles (compiling runs nothing: it is safe on this thread). */
export function regexProblem(pattern: string): string | null {
  try {
    new RegExp(pattern, 'i');
    return null;
  } catch (error) {
    // V8 says "Invalid regular expression: /(/i: Unterminated group": the pattern is in the field already.
    return error instanceof Error
      ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')
      : String(error);
  }
}
