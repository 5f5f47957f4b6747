/** Blocks one template may nest (`{{else if}}` counts as one more), and subexpressions one tag may. */
export const MAX_BLOCK_NESTING = 64;
export const MAX_SUBEXPRESSION_NESTING = 32;

/**
 * Refuses a template nested deeper than people write, before Handlebars parses it: its parser slows down past all
 * measure with depth (3,000 nested `{{#if}}` held the engine 19 s to end in a stack overflow). One pass over the
 * text, read as Handlebars' lexer reads it: `\{{` is text, comments end at their own closer, string literals and
 * `[…]` segments may hold braces and parentheses. A tag left open ends the scan: the parser refuses it anyway.
 */
export function nestingProblem(source: string): string | undefined {
  /** How many levels each open block adds: one, and one more for each `{{else something}}` in it. */
  const open: number[] = [];
  let depth = 0;
  let at = 0;
  for (;;) {
    const start = source.indexOf('{{', at);
    if (start === -1) return undefined;
    // `\{{` writes the braces; `\\{{` is a backslash, then a tag.
    if (start > 0 && source[start - 1] === '\\' && source[start - 2] !== '\\') {
      at = start + 2;
      continue;
    }
    let inside = start + 2;
    while (source[inside] === '{') inside++;
    if (source[inside] === '~') inside++;
    if (source[inside] === '!') {
      const long = source.startsWith('!--', inside);
      const closer = long ? /--~?\}\}/g : /~?\}\}/g;
      closer.lastIndex = inside;
      const end = closer.exec(source);
      if (!end) return undefined;
      at = end.index + end[0].length;
      continue;
    }
    const tag = readTag(source, inside);
    if (tag === undefined) return undefined;
    if (tag.parentheses > MAX_SUBEXPRESSION_NESTING)
      return `subexpressions nest deeper than ${MAX_SUBEXPRESSION_NESTING} levels in one tag`;
    const text = source.slice(inside, tag.end).trimStart();
    if (text.startsWith('#') || (text.startsWith('^') && text.slice(1).trim() !== '')) {
      open.push(1);
      depth++;
    } else if (text.startsWith('/')) {
      depth -= open.pop() ?? 0;
    } else if (/^else\s+\S/.test(text) && open.length > 0) {
      open[open.length - 1] = (open.at(-1) ?? 0) + 1;
      depth++;
    }
    if (depth > MAX_BLOCK_NESTING) return `blocks nest deeper than ${MAX_BLOCK_NESTING} levels`;
    at = tag.end;
  }
}

/** A tag's content from `from` to its closing `}}` (string literals and `[…]` skipped), and how deep its parentheses go. */
function readTag(source: string, from: number): { end: number; parentheses: number } | undefined {
  let parentheses = 0;
  let deepest = 0;
  let at = from;
  while (at < source.length) {
    const character = source[at];
    if (character === '"' || character === "'" || character === '[') {
      const end = source.indexOf(character === '[' ? ']' : character, at + 1);
      if (end === -1) return undefined;
      at = end + 1;
      continue;
    }
    if (character === '}' && source[at + 1] === '}') return { end: at, parentheses: deepest };
    if (character === '(') deepest = Math.max(deepest, ++parentheses);
    else if (character === ')') parentheses--;
    at++;
  }
  return undefined;
}
