import { closestName } from '../../../shared/closest-name';

/** What a search word may name (`thread:abc`): each key and how to read its text from an item. */
export type SearchFields<T> = Readonly<Record<string, (item: T) => string>>;

export interface SearchWord {
  /** The key the word named, or null: any field. */
  field: string | null;
  text: string;
}

/**
 * A list's search box: words that must all match, in any order and case; `key:text` only in that key's field, a
 * word alone in any. A key there is none of makes the word plain text — and the hint says so.
 */
export interface KeyedSearch<T> {
  words(text: string): SearchWord[];
  /** Whether an item matches every word of `words(text)`. */
  matches(item: T, words: readonly SearchWord[]): boolean;
  /**
   * What to tell someone whose search found nothing because a word names a key there is none of (`stat:open`): the
   * key it likely meant, and the keys there are. Null when every key named is known. Only letters before the colon
   * count as a key, so an address (`::1`) or a URL (`http://…`) is left alone.
   */
  keyHint(text: string): string | null;
}

/** The search over `fields`; `aliases` are other names people use for a key, which no typo count finds. */
export function keyedSearch<T>(
  fields: SearchFields<T>,
  aliases: Readonly<Record<string, string>> = {},
): KeyedSearch<T> {
  const keys = Object.keys(fields);
  const isKey = (name: string) => Object.hasOwn(fields, name);
  const readers = Object.values(fields);
  return {
    words: (text) =>
      text
        .trim()
        .toLowerCase()
        .split(/\s+/)
        .filter(Boolean)
        .map((word) => {
          const colon = word.indexOf(':');
          const field = colon > 0 ? word.slice(0, colon) : '';
          return isKey(field) ? { field, text: word.slice(colon + 1) } : { field: null, text: word };
        }),
    matches: (item, words) =>
      words.every(({ field, text }) => {
        const read = field === null ? undefined : fields[field];
        return read
          ? read(item).toLowerCase().includes(text)
          : readers.some((each) => each(item).toLowerCase().includes(text));
      }),
    keyHint(text) {
      const said = new Map<string, string>();
      for (const word of text.trim().toLowerCase().split(/\s+/)) {
        const key = /^([a-z][a-z_-]*):(?!\/\/)/.exec(word)?.[1];
        if (key === undefined || isKey(key) || said.has(key)) continue;
        const meant = Object.hasOwn(aliases, key) ? aliases[key] : closestName(key, keys);
        said.set(
          key,
          `“${key}” is not a search key${meant ? ` — did you mean ${meant}:${word.slice(key.length + 1)}?` : '.'}`,
        );
      }
      if (said.size === 0) return null;
      const named = keys.map((key) => `${key}:`);
      const choice = named.length > 1 ? `${named.slice(0, -1).join(', ')} or ${named.at(-1)}` : named.join('');
      return `${[...said.values()].join(' ')} Search by ${choice}, or by a word alone to match any of them.`;
    },
  };
}
