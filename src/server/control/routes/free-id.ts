/**
 * `base` as an id no one has taken yet (`base`, `base-2`, `base-3`…), short enough to stay within the 100 characters
 * an id may have, with the suffix.
 */
export function freeId(base: string, taken: (id: string) => boolean): string {
  const stem = base.slice(0, 90).replace(/-+$/, '');
  if (!taken(stem)) return stem;
  for (let n = 2; ; n++) if (!taken(`${stem}-${n}`)) return `${stem}-${n}`;
}
