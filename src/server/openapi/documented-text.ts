import { shortenText } from '../../shared/shorten-text';

/**
 * A document's text (a summary, a description) for a field that holds at most `max` characters: trimmed, and cut
 * short (ending in "…") with a warning when longer; undefined when it is not text or blank.
 */
export function documentedText(
  value: unknown,
  max: number,
  what: string,
  warn: (message: string) => void,
): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (text.length <= max) return text;
  warn(`${what} is ${text.length} characters long; cut to the ${max} the route keeps`);
  return shortenText(text, max);
}
