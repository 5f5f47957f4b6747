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
      (bodiesEvictedForMemory === 1
        ? 'the body of 1 request was evicted (memory budget)'
        : `the bodies of ${formatCount(bodiesEvictedForMemory, 'request')} were evicted (memory budget)`),
  ].filter((part) => part !== false);
  if (parts.length === 0) return null;
  const sentence = parts.join('; ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}
