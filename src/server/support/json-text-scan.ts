import { lineAndColumn } from '../workspace/json-syntax-error';

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

/** What JSON text may hold before it is parsed: the bounds `scanJsonText` refuses it past. */
export interface JsonTextLimits {
  /** Objects and arrays nested at most this deep (`{}` is 1 level, `{"a":[]}` 2, as `jsonDepth` counts). */
  maxDepth: number;
  /** Keys in any one object, at most. */
  maxKeys?: number;
  /** Whether to look for a key written twice in one object (each object's keys are then kept while it is open). */
  duplicates?: boolean;
}

/** Why text is refused before it is parsed, and where (1-based): the bracket or key past the limit. */
export type JsonTextRefusal =
  | { kind: 'too-deep'; line: number; column: number }
  /** `path`: the object's, from the document down. */
  | { kind: 'too-many-keys'; line: number; column: number; path: (string | number)[] };

export interface JsonTextScan {
  refusal?: JsonTextRefusal;
  /** The first key written twice, when asked for (`duplicates`) and the text is within its limits. */
  duplicate?: DuplicateJsonKey;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * Looks through JSON text before it is parsed: JSON.parse builds the whole value, however deep or wide, before
 * anything can count its levels or keys (tens of MB of `[` took seconds and GBs). So the text is refused at the
 * first bracket nested past `maxDepth` or the first key past `maxKeys` in one object; and, asked to, the first key
 * written twice in one object is found, which JSON.parse would read without a word (the last one wins).
 *
 * It looks at nothing but quotes, brackets and commas, and skips strings with `indexOf`: one pass, no recursion,
 * a fraction of what parsing costs. It trusts the syntax (text that is not JSON is JSON.parse's to report): what
 * it says of broken text may be wrong, but it always ends. At most `maxDepth` levels are open: one map of keys per
 * level, reused by the next object at that level.
 */
export function scanJsonText(text: string, limits: JsonTextLimits): JsonTextScan {
  const { maxDepth, maxKeys = Number.POSITIVE_INFINITY } = limits;
  let findDuplicates = limits.duplicates === true;
  let duplicate: DuplicateJsonKey | undefined;
  /** Per level open: whether it is an object, its keys so far (count, and with their offsets when looking for
   * duplicates), the member being read. */
  const isObject: boolean[] = [];
  const keyCount: number[] = [];
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
  const found = (refusal: JsonTextRefusal): JsonTextScan => ({ refusal, ...(duplicate && { duplicate }) });
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      let end = text.indexOf('"', start + 1);
      let escaped = false;
      // A quote after an odd run of backslashes is inside the string.
      for (;;) {
        if (end === -1) break;
        const backslash = backslashFrom(start + 1);
        if (backslash === -1 || backslash > end) break;
        escaped = true;
        let run = 0;
        while (text.charCodeAt(end - 1 - run) === BACKSLASH) run++;
        if (run % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      // A string never closed: not JSON.
      if (end === -1) break;
      i = end;
      if (!expectKey) continue;
      expectKey = false;
      const count = (keyCount[depth] ?? 0) + 1;
      keyCount[depth] = count;
      if (count > maxKeys) {
        return found({ kind: 'too-many-keys', ...lineAndColumn(text, start), path: member.slice(0, depth) });
      }
      let key: string;
      try {
        key = escaped ? JSON.parse(text.slice(start, end + 1)) : text.slice(start + 1, end);
      } catch {
        // An escape JSON has not: not JSON. Its depth and keys are still counted; JSON.parse will say what is wrong.
        findDuplicates = false;
        continue;
      }
      member[depth] = key;
      if (!findDuplicates) continue;
      const keys = keysAt[depth] as Map<string, number>;
      const first = keys.get(key);
      if (first !== undefined) {
        duplicate = {
          key,
          path: [...member.slice(0, depth), key],
          ...lineAndColumn(text, start),
          first: lineAndColumn(text, first),
        };
        // Only the first is told; the rest of the text is still looked through for what would make it costly.
        findDuplicates = false;
        continue;
      }
      keys.set(key, start);
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth + 1 > maxDepth) return found({ kind: 'too-deep', ...lineAndColumn(text, i) });
      isObject[depth] = c === OPEN_OBJECT;
      keyCount[depth] = 0;
      if (c === OPEN_OBJECT) {
        if (findDuplicates) {
          const keys = keysAt[depth];
          if (keys === undefined) keysAt[depth] = new Map();
          else keys.clear();
        }
      } else member[depth] = 0;
      expectKey = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      // More closed than opened: not JSON.
      if (--depth < -1) break;
      expectKey = false;
    } else if (c === COMMA && depth >= 0) {
      if (isObject[depth]) expectKey = true;
      else member[depth] = (member[depth] as number) + 1;
    }
  }
  return duplicate ? { duplicate } : {};
}

/** The first key written twice in one object of `text` (JSON.parse has accepted it), with no limit on its size. */
export function findDuplicateJsonKey(text: string): DuplicateJsonKey | undefined {
  return scanJsonText(text, { maxDepth: Number.POSITIVE_INFINITY, duplicates: true }).duplicate;
}
