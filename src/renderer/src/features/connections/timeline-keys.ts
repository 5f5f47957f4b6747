/** A span or rule-break mark of the run timeline, as the arrow keys move between them. */
export interface TimelineItem {
  key: string;
  /** Where it starts on the time axis. */
  at: number;
  /** Its lane, top first; a rule-break mark is drawn above the spans (−1). */
  lane: number;
}

/** The drawing's items in reading order: by time, then top to bottom. */
export function timelineItemOrder(items: readonly TimelineItem[]): TimelineItem[] {
  return [...items].sort((a, b) => a.at - b.at || a.lane - b.lane);
}

/** The nearest item in time in the nearest lane above (−1) or below (+1) that has any. */
function inNextLane(items: readonly TimelineItem[], from: TimelineItem, direction: 1 | -1): number | null {
  let lane: number | null = null;
  for (const item of items)
    if ((item.lane - from.lane) * direction > 0 && (lane === null || (item.lane - lane) * direction < 0))
      lane = item.lane;
  if (lane === null) return null;
  let best: number | null = null;
  items.forEach((item, index) => {
    if (item.lane !== lane) return;
    const other = best === null ? null : (items[best] as TimelineItem);
    if (other === null || Math.abs(item.at - from.at) < Math.abs(other.at - from.at)) best = index;
  });
  return best;
}

/**
 * Where a key moves the focus among the drawing's items (in `timelineItemOrder`): ← → to the previous and next in
 * time, ↑ ↓ to the nearest in the lane above or below (a run's step, a step's message), Home and End to the first and
 * last. Null: the key is not one of these, or there is nowhere to go.
 */
export function timelineItemAfterKey(items: readonly TimelineItem[], at: number, key: string): number | null {
  const from = items[at];
  if (!from) return null;
  if (key === 'ArrowRight') return at + 1 < items.length ? at + 1 : null;
  if (key === 'ArrowLeft') return at > 0 ? at - 1 : null;
  if (key === 'ArrowDown') return inNextLane(items, from, 1);
  if (key === 'ArrowUp') return inNextLane(items, from, -1);
  if (key === 'Home') return 0;
  if (key === 'End') return items.length - 1;
  return null;
}
