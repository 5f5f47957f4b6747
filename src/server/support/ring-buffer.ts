/**
 * Bounded FIFO: pushing past capacity drops the oldest item (and hands it back, so an owner that accounts for
 * its items can let it go). Storage grows with use and shrinks after removals, so an idle owner (a quiet
 * socket) costs almost nothing however large the capacity.
 */
export class RingBuffer<T> {
  /** Physical slots; the items are `count` slots from `start`, wrapping around. */
  private items: (T | undefined)[] = [];
  private start = 0;
  private count = 0;

  constructor(private capacity: number) {
    checkCapacity(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Adds an item as the newest; returns the oldest one when it had to go to make room. */
  push(item: T): T | undefined {
    if (this.count === this.capacity) {
      // Full: the storage is exactly `capacity` slots; the newest takes the oldest's place.
      const dropped = this.items[this.start];
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.items.length;
      return dropped;
    }
    if (this.count === this.items.length) {
      if (this.start !== 0) this.linearise();
      this.items.push(item);
    } else {
      this.items[(this.start + this.count) % this.items.length] = item;
    }
    this.count++;
    return undefined;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.start];
    this.items[this.start] = undefined;
    this.start = (this.start + 1) % this.items.length;
    this.count--;
    // Give back storage once mostly empty (evictions can empty a large buffer that then stays quiet).
    if (this.count <= this.items.length >> 2) this.linearise();
    return item;
  }

  /** The item at `index`, 0 being the oldest. */
  at(index: number): T | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    return this.items[(this.start + index) % this.items.length];
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.items[(this.start + i) % this.items.length] as T;
    return out;
  }

  clear(): void {
    this.items = [];
    this.start = 0;
    this.count = 0;
  }

  /** Changes capacity, keeping the newest items that still fit; returns the ones dropped, oldest first. */
  resize(capacity: number): T[] {
    checkCapacity(capacity);
    const kept = this.toArray();
    const dropped = kept.splice(0, Math.max(0, kept.length - capacity));
    this.capacity = capacity;
    this.items = kept;
    this.start = 0;
    this.count = kept.length;
    return dropped;
  }

  /** Moves the items to the front of a storage array exactly their size. */
  private linearise(): void {
    this.items = this.toArray();
    this.start = 0;
  }
}

/** A bounded log's capacity: a positive integer, or a RangeError. */
export function checkCapacity(capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
}
