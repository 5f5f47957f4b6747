/**
 * Short forms of text a person reads in a list, a title or a message, where what a client sent can run to megabytes.
 * The engine and the console cut text alike.
 */

/** `text` as it is up to `max` characters, else its start and "…" (never half of a surrogate pair). */
export function shortenText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // Not between the halves of a surrogate pair: the half left would show as a replacement character.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Whitespace `oneLine` would change: at either end, two in a row, or any but a plain space. */
const UNTIDY_SPACE = /^\s|\s$|\s\s|[^\S ]/;

/** `text` on one line (each run of whitespace one space, none at the ends), shortened to `max` characters. */
export function oneLine(text: string, max: number): string {
  // Already tidy and short (a stored preview shortened again): kept as it is, without a copy.
  if (text.length <= max && !UNTIDY_SPACE.test(text)) return text;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${shortenText(flat, max).slice(0, -1).trimEnd()}…`;
}
