import { removeAt, siftDown, siftUp } from '../../../support/binary-heap';

interface Entry {
  readonly id: string;
  activity: number;
  seq: number;
}

/**
 * Ids ordered by when they were last active (ms), ties by the order they came in (`seq`): an indexed binary
 * min-heap, so a change of one id's activity costs O(log n) and the least recently active can be listed without
 * sorting everything — the history limits ask for the first one or two on every recorded run, among a thousand.
 */
export class ActivityOrder {
  private readonly heap: Entry[] = [];
  /** Where each id sits in the heap. */
  private readonly positions = new Map<string, number>();
  private readonly placed = (entry: Entry, at: number) => this.positions.set(entry.id, at);

  /** Adds `id`, or moves it to its new place when its activity changed. */
  set(id: string, activity: number, seq: number): void {
    const at = this.positions.get(id);
    if (at === undefined) {
      this.heap.push({ id, activity, seq });
      siftUp(this.heap, this.heap.length - 1, before, this.placed);
      return;
    }
    const entry = this.heap[at] as Entry;
    entry.activity = activity;
    entry.seq = seq;
    siftDown(this.heap, siftUp(this.heap, at, before, this.placed), before, this.placed);
  }

  delete(id: string): void {
    const at = this.positions.get(id);
    if (at === undefined) return;
    this.positions.delete(id);
    removeAt(this.heap, at, before, this.placed);
  }

  /**
   * Ids least recently active first, lazily: the k-th costs O(log k), and the heap is only read. Do not change
   * the order while iterating.
   */
  *leastRecentFirst(): Generator<string> {
    const heap = this.heap;
    if (heap.length === 0) return;
    // A second heap over positions in the first: its smallest is the next in order, then that one's children.
    const frontier = [0];
    const earlier = (a: number, b: number) => before(heap[a] as Entry, heap[b] as Entry);
    while (frontier.length > 0) {
      const at = removeAt(frontier, 0, earlier);
      yield (heap[at] as Entry).id;
      for (const child of [2 * at + 1, 2 * at + 2]) {
        if (child >= heap.length) continue;
        frontier.push(child);
        siftUp(frontier, frontier.length - 1, earlier);
      }
    }
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.activity < b.activity || (a.activity === b.activity && a.seq < b.seq);
}
