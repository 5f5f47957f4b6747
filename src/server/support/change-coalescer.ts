/**
 * How changes to one kind of data combine: which entities a change concerns, and one change that says what two say.
 * Changes whose keys do not meet concern different things, so a reader may apply them in either order.
 */
export interface ChangeMerging<Change> {
  /** The entities `change` concerns; undefined when it may concern anything (nothing is merged across it). */
  keys(change: Change): readonly string[] | undefined;
  /** One change telling a reader what `earlier` then `later` tell, when there is one; undefined otherwise. */
  merge(earlier: Change, later: Change): Change | undefined;
}

/**
 * Changes waiting to be told, merged where they can be: a change about one entity joins the last waiting change
 * about that entity, when nothing waiting after it concerns the entity too. A thousand runs recording into one
 * session between two live-feed batches become one change, not three thousand, in the order a reader needs.
 */
export class ChangeCoalescer<Change> {
  private entries: Change[] = [];
  /** The index of the last waiting change concerning each key. */
  private lastByKey = new Map<string, number>();

  constructor(private readonly merging: ChangeMerging<Change>) {}

  get size(): number {
    return this.entries.length;
  }

  add(change: Change): void {
    const keys = this.merging.keys(change);
    if (keys === undefined) {
      this.lastByKey.clear();
      this.entries.push(change);
      return;
    }
    const index = keys.length === 1 ? this.lastByKey.get(keys[0] as string) : undefined;
    if (index !== undefined) {
      // Nothing after `index` concerns the key, and `change` concerns nothing else: it may move back to join it.
      const merged = this.merging.merge(this.entries[index] as Change, change);
      if (merged !== undefined) {
        this.entries[index] = merged;
        return;
      }
    }
    const added = this.entries.push(change) - 1;
    for (const key of keys) this.lastByKey.set(key, added);
  }

  /** The waiting changes, in order; the coalescer starts empty again. */
  take(): Change[] {
    const entries = this.entries;
    this.entries = [];
    this.lastByKey.clear();
    return entries;
  }
}
