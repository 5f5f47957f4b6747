/** The longest id a mount or response may have (MountIdSchema). */
const MAX_ID_LENGTH = 100;

/**
 * Text as an id in the form mounts use (lower-case letters, digits and dashes): `read_item_items__item_id__get`
 * → `read-item-items-item-id-get`, `getItemById` → `get-item-by-id`. Empty when nothing usable is left.
 */
export function slugId(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_ID_LENGTH)
    .replace(/-+$/, '');
}

/** Hands out ids unique within one list: the second `list-items` becomes `list-items-2`. */
export class UniqueIds {
  private readonly taken = new Set<string>();

  constructor(existing: Iterable<string> = []) {
    for (const id of existing) this.taken.add(id);
  }

  take(base: string): string {
    let id = base;
    for (let n = 2; this.taken.has(id); n += 1) {
      const suffix = `-${n}`;
      id = `${base.slice(0, MAX_ID_LENGTH - suffix.length).replace(/-+$/, '')}${suffix}`;
    }
    this.taken.add(id);
    return id;
  }
}
