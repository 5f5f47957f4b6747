/** A count with its word, the word plural unless the count is exactly one: `1 event`, `2 events`. */
export const counted = (count: number | bigint, word: string): string =>
  `${count} ${word}${Number(count) === 1 ? '' : 's'}`;
