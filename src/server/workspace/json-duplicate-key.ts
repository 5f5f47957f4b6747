import { lineAndColumn } from './json-syntax-error';

/** A key written a second time in one JSON object: where, and where it was first. */
export interface DuplicateJsonKey {
  /** The key as JSON.parse reads it (escapes decoded). */
  key: string;
  /** From the document down to the key itself: object keys and array indexes. */
  path: (string | number)[];
  /** The second occurrence, 1-based. */
  line: number;
  column: number;
  /** The first occurrence, 1-based. */
  first: { line: number; column: number };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * The first key written twice in one object of `text`, which JSON.parse read without a word (the last one wins);
 * undefined when there is none. Only for text JSON.parse has accepted: the scan trusts its syntax, so it looks at
 * nothing but quotes, brackets and commas, and skips strings with `indexOf`. One pass, no recursion: a big
 * workspace (tens of MB) costs a fraction of what parsing it did. Nested as deep as `text` is (check the depth of
 * the parsed value first): one map of keys per level open, reused by the next object at that level.
 */
export function findDuplicateJsonKey(text: string): DuplicateJsonKey | undefined {
  /** Per level open: whether it is an object, its keys so far (with their offsets), the member being read. */
  const isObject: boolean[] = [];
  const keysAt: Map<string, number>[] = [];
  const member: (string | number)[] = [];
  let depth = -1;
  /** The next string is a key: just after `{` or after `,` in an object. */
  let expectKey = false;
  /** The first backslash at or after the position last asked about (-1: none left); kept so the text is searched once. */
  let nextBackslash = text.indexOf('\\');
  const backslashFrom = (from: number) => {
    if (nextBackslash !== -1 && nextBackslash < from) nextBackslash = text.indexOf('\\', from);
    return nextBackslash;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      let end = text.indexOf('"', start + 1);
      let escaped = false;
      // A quote after an odd run of backslashes is inside the string.
      for (;;) {
        const backslash = backslashFrom(start + 1);
        if (backslash === -1 || backslash > end) break;
        escaped = true;
        let run = 0;
        while (text.charCodeAt(end - 1 - run) === BACKSLASH) run++;
        if (run % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      i = end;
      if (!expectKey) continue;
      expectKey = false;
      const key: string = escaped ? JSON.parse(text.slice(start, end + 1)) : text.slice(start + 1, end);
      const keys = keysAt[depth] as Map<string, number>;
      const first = keys.get(key);
      if (first !== undefined) {
        return {
          key,
          path: [...member.slice(0, depth), key],
          ...lineAndColumn(text, start),
          first: lineAndColumn(text, first),
        };
      }
      keys.set(key, start);
      member[depth] = key;
    } else if (c === OPEN_OBJECT) {
      depth++;
      isObject[depth] = true;
      let keys = keysAt[depth];
      if (keys === undefined) {
        keys = new Map();
        keysAt[depth] = keys;
      } else keys.clear();
      expectKey = true;
    } else if (c === OPEN_ARRAY) {
      depth++;
      isObject[depth] = false;
      member[depth] = 0;
      expectKey = false;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      expectKey = false;
    } else if (c === COMMA) {
      if (isObject[depth]) expectKey = true;
      else member[depth] = (member[depth] as number) + 1;
    }
  }
  return undefined;
}
