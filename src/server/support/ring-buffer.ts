/**
 * Fixed-capacity FIFO: pushing past capacity drops the oldest item. Storage grows with use, so an idle
 * owner (a quiet socket) costs almost nothing however large the capacity.
 */
export class RingBuffer<T> {
  private items: T[] = [];
  private start = 0;
  private count = 0;
  /** Items ever pushed, including the ones dropped since. */
  private pushed = 0;

  constructor(private capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  get size(): number {
    return this.count;
  }

  get totalPushed(): number {
    return this.pushed;
  }

  get dropped(): number {
    return this.pushed - this.count;
  }

  push(item: T): void {
    this.pushed++;
    if (this.count < this.capacity) {
      // Until the buffer first fills, start is 0 and items are appended in order.
      this.items.push(item);
      this.count++;
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.items[(this.start + i) % this.count] as T;
    return out;
  }

  clear(): void {
    this.items = [];
    this.start = 0;
    this.count = 0;
  }

  /** Changes capacity, keeping the newest items that still fit. */
  resize(capacity: number): void {
    const kept = this.toArray().slice(-capacity);
    this.capacity = capacity;
    this.items = [];
    this.start = 0;
    this.count = 0;
    const pushed = this.pushed;
    for (const item of kept) this.push(item);
    this.pushed = pushed;
  }
}
