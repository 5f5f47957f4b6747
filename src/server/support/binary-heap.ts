// A binary min-heap's two moves over a plain array, for the engine's ordered queues (they keep their own
// entries and order; `placed` lets an indexed heap track where each entry sits).

/** Moves the item at `at` up to where it belongs; `placed` hears every item that moved. Returns where it ended. */
export function siftUp<T>(
  heap: T[],
  at: number,
  isBefore: (a: T, b: T) => boolean,
  placed?: (item: T, at: number) => void,
): number {
  const item = heap[at] as T;
  let index = at;
  while (index > 0) {
    const parent = (index - 1) >> 1;
    const above = heap[parent] as T;
    if (!isBefore(item, above)) break;
    heap[index] = above;
    placed?.(above, index);
    index = parent;
  }
  heap[index] = item;
  placed?.(item, index);
  return index;
}

/** Moves the item at `at` down to where it belongs; `placed` hears every item that moved. */
export function siftDown<T>(
  heap: T[],
  at: number,
  isBefore: (a: T, b: T) => boolean,
  placed?: (item: T, at: number) => void,
): void {
  const item = heap[at] as T;
  let index = at;
  for (;;) {
    const left = 2 * index + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const child = right < heap.length && isBefore(heap[right] as T, heap[left] as T) ? right : left;
    const below = heap[child] as T;
    if (!isBefore(below, item)) break;
    heap[index] = below;
    placed?.(below, index);
    index = child;
  }
  heap[index] = item;
  placed?.(item, index);
}

/** Takes the item at `at` out of the heap, the last item filling its place; returns it. */
export function removeAt<T>(
  heap: T[],
  at: number,
  isBefore: (a: T, b: T) => boolean,
  placed?: (item: T, at: number) => void,
): T {
  const item = heap[at] as T;
  const last = heap.pop() as T;
  if (at < heap.length) {
    heap[at] = last;
    siftDown(heap, siftUp(heap, at, isBefore, placed), isBefore, placed);
  }
  return item;
}
