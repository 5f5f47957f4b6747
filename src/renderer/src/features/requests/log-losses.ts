import type { RequestLogStats } from '../../../../shared/request-log';
import { formatCount } from '../../ui/format';

/** What the engine's request log let go of, as a sentence; null when nothing. */
export function logLosses({
  evictedForMemory,
  droppedForSize,
  bodiesEvictedForMemory,
}: RequestLogStats): string | null {
  const were = (count: number) => (count === 1 ? 'was' : 'were');
  const parts = [
    evictedForMemory > 0 &&
      `${formatCount(evictedForMemory, 'older request')} ${were(evictedForMemory)} evicted (memory budget)`,
    droppedForSize > 0 &&
      `${formatCount(droppedForSize, 'older request')} ${were(droppedForSize)} dropped (requests kept)`,
    bodiesEvictedForMemory > 0 &&
      `the bodies of ${formatCount(bodiesEvictedForMemory, 'request')} ${were(bodiesEvictedForMemory)} evicted (memory budget)`,
  ].filter((part) => part !== false);
  return parts.length > 0 ? `${parts.join('; ')}.` : null;
}
