import type { FrameRecord } from '../../../../shared/connections';

/** Each frame's text is searched up to here: a filter stays quick on frames of megabytes. */
export const SEARCHED_CHARS = 100_000;

/** The part of a frame's text a filter searches. */
export function searchedText(frame: FrameRecord): string {
  return frame.text.length > SEARCHED_CHARS ? frame.text.slice(0, SEARCHED_CHARS) : frame.text;
}

/**
 * A plain-text filter, in any case: a literal pattern (it cannot backtrack), its answer remembered per frame
 * so only new frames are searched as they arrive.
 */
export function plainTextMatcher(text: string): (frame: FrameRecord) => boolean {
  const pattern = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  const answers = new WeakMap<FrameRecord, boolean>();
  return (frame) => {
    let answer = answers.get(frame);
    if (answer === undefined) {
      answer = pattern.test(searchedText(frame));
      answers.set(frame, answer);
    }
    return answer;
  };
}

/** Why a pattern cannot be used, or null when it compiles (compiling runs nothing: it is safe on this thread). */
export function regexProblem(pattern: string): string | null {
  try {
    new RegExp(pattern, 'i');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
  }
}
