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

/**
 * The log's counts brought up to the newest request the feed brought (`newestId`), between two looks at the log
 * (the last at `lookedThrough`): each request past its `requestLogSize` pushed out the oldest. Exact while nothing
 * else lets requests go; once the memory budget has taken any, only the next look says how many went which way, so
 * the counts stay as looked at.
 */
export function liveLogStats(
  log: RequestLogStats,
  lookedThrough: number,
  newestId: number,
  requestLogSize: number | null,
): RequestLogStats {
  const arrived = newestId - lookedThrough;
  if (arrived <= 0 || requestLogSize === null || log.evictedForMemory > 0 || log.bodiesEvictedForMemory > 0) return log;
  const pushedOut = Math.max(0, arrived - Math.max(0, requestLogSize - log.kept));
  return { ...log, kept: Math.min(requestLogSize, log.kept + arrived), droppedForSize: log.droppedForSize + pushedOut };
}

/**
 * Why the engine's log no longer holds a request it logged, as far as its counts tell (it lets the oldest go first
 * either way): past `requestLogSize`, for the memory budget, either (both happened: which took this one is not
 * known), or a clear (neither happened since).
 */
export type DropReason = 'size' | 'memory' | 'either' | 'cleared';

export function dropReason(log: RequestLogStats | null): DropReason {
  if (!log) return 'either';
  if (log.droppedForSize > 0 && log.evictedForMemory > 0) return 'either';
  if (log.evictedForMemory > 0) return 'memory';
  return log.droppedForSize > 0 ? 'size' : 'cleared';
}

/** What the console knows of which requests the engine's log still holds. */
export interface LogHolding {
  /** The oldest id the log may still hold, as of its last look (ids are consecutive, the oldest go first). */
  keptFrom: number;
  /** The newest request id the console has seen. */
  newestId: number;
  /** The log's size (the `requestLogSize` setting), when known. */
  requestLogSize: number | null;
  log: RequestLogStats | null;
}

/**
 * The oldest id a page of the log (newest first) says it holds: its newest minus how many it keeps. An empty log holds
 * none of what the console has seen (`seenThrough`, the newest id it knew when it asked).
 */
export function oldestKeptId(newestInLog: number | undefined, kept: number, seenThrough: number): number {
  return newestInLog === undefined || kept === 0 ? seenThrough + 1 : newestInLog - kept + 1;
}

/**
 * The oldest id the log can hold given the newest: no more than `requestLogSize` behind it. Known from the live feed
 * alone, before the log is asked again.
 */
export function keptFromSize(newestId: number, requestLogSize: number | null): number {
  return requestLogSize === null ? 1 : Math.max(1, newestId - requestLogSize + 1);
}

/** Why request `id` is gone from the engine's log, or null when it may still be there. */
export function requestDrop(id: number, { keptFrom, newestId, requestLogSize, log }: LogHolding): DropReason | null {
  if (id < keptFromSize(newestId, requestLogSize)) return log && log.evictedForMemory > 0 ? 'either' : 'size';
  return id < keptFrom ? dropReason(log) : null;
}

/**
 * The detail pane's word on a request the log let go of: why, and whether what it showed stays (`shown`) or it went
 * before its headers and bodies were fetched.
 */
export function droppedNotice(reason: DropReason, requestLogSize: number | null, shown: boolean): string {
  const newest =
    requestLogSize === null ? 'the newest requests' : `the newest ${formatCount(requestLogSize, 'request')}`;
  const why = {
    size: `it keeps ${newest} (Settings → Requests kept) and lets the oldest go first`,
    memory: 'it let the oldest requests go first to stay within its memory budget (Settings → Memory for logs)',
    either: `it lets the oldest requests go first, to keep ${newest} (Settings → Requests kept) or to stay within its memory budget (Settings → Memory for logs)`,
    cleared: 'the log was cleared',
  }[reason];
  return shown
    ? `This request has since been dropped from the engine's log: ${why}. What it showed stays here until you pick another request.`
    : `This request was dropped from the engine's log before its headers and bodies were fetched: ${why}.`;
}
