import { removeAt, siftUp } from './binary-heap';

/** Longest delay Node's timers take (a longer one becomes 1 ms, as with `setTimeout`). */
const TIMEOUT_MAX = 2 ** 31 - 1;

/** An entry of a `TimerQueue`; the queue writes these fields. */
export interface QueuedTimer {
  /** When it is due, on `performance.now()`'s clock. */
  due: number;
  /** Order among entries due at the same time: the order they were added. */
  seq: number;
  /** Its place in the heap; -1 when it is not in the queue. */
  at: number;
}

/**
 * Timers as entries of one min-heap by due time, behind a single Node timer armed for the earliest. A playing
 * run waits for its next frame some 20 times a second: a Node timer each (a `Timeout`, its async resource, a
 * timer list per distinct duration) was garbage that outlived young collections by the thousand. Entries are the
 * callers' own objects, so waiting allocates nothing here. The Node timer keeps the process alive while anything
 * is queued, as `setTimeout` does.
 */
export class TimerQueue<T extends QueuedTimer> {
  private readonly heap: T[] = [];
  private armed: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private nextSeq = 0;
  private readonly placed = (entry: T, at: number) => {
    entry.at = at;
  };

  constructor(private readonly onDue: (entry: T) => void) {}

  /** Queues `entry` to be handed to `onDue` in `ms` (as `setTimeout` reads it: not a number or under 1 is 1). */
  add(entry: T, ms: number): void {
    const delay = ms >= 1 && ms <= TIMEOUT_MAX ? ms : 1;
    entry.due = performance.now() + delay;
    entry.seq = this.nextSeq++;
    this.heap.push(entry);
    siftUp(this.heap, this.heap.length - 1, before, this.placed);
    this.arm();
  }

  /** Takes `entry` out of the queue; nothing when it is not in it (already due, or removed). */
  remove(entry: T): void {
    const at = entry.at;
    if (at < 0) return;
    entry.at = -1;
    removeAt(this.heap, at, before, this.placed);
    // Nothing left: no timer may keep the process alive. (An earlier one left armed just fires and re-arms.)
    if (this.heap.length === 0) this.disarm();
  }

  /** How many entries wait. */
  get size(): number {
    return this.heap.length;
  }

  private readonly fire = (): void => {
    this.armed = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    // Node's timers count whole milliseconds: what is due within the next one is due now. Entries added while
    // these run wait for the next firing, as a timer set in a timer's callback does.
    const now = performance.now() + 1;
    const added = this.nextSeq;
    const heap = this.heap;
    while (heap.length > 0) {
      const first = heap[0] as T;
      if (first.due > now || first.seq >= added) break;
      removeAt(heap, 0, before, this.placed);
      first.at = -1;
      this.onDue(first);
    }
    this.arm();
  };

  /** Arms the Node timer for the earliest entry, unless it already fires by then. */
  private arm(): void {
    const first = this.heap[0];
    if (!first || first.due >= this.armedFor) return;
    this.disarm();
    this.armedFor = first.due;
    this.armed = setTimeout(this.fire, Math.max(1, Math.ceil(first.due - performance.now())));
  }

  private disarm(): void {
    if (this.armed) clearTimeout(this.armed);
    this.armed = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
  }
}

function before(a: QueuedTimer, b: QueuedTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
