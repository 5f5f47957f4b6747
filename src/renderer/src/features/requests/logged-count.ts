import type { RequestsState } from '../../stores/requests-store';
import { formatNumber } from '../../ui/format';
import { liveLogStats } from './log-losses';

/**
 * How many requests the engine's log holds, as far as the console knows: its count at the last look brought up to
 * the newest request the feed brought. Never fewer than the console lists (they are all in the log).
 */
export function loggedRequests(
  { log, lookedThrough, entries }: Pick<RequestsState, 'log' | 'lookedThrough' | 'entries'>,
  requestLogSize: number | null,
): number {
  if (!log) return entries.length;
  return Math.max(entries.length, liveLogStats(log, lookedThrough, entries[0]?.id ?? 0, requestLogSize).kept);
}

/**
 * The Requests view's count: how many the filter leaves of those listed (`matching`, null when not filtering), and
 * how many are listed of those logged when that is fewer ("1,000 shown of 54,321 logged"); null when there is
 * nothing to say (every logged request listed, no filter).
 */
export function requestCountWords(matching: number | null, shown: number, logged: number): string | null {
  const partial = logged > shown ? `${formatNumber(shown)} shown of ${formatNumber(logged)} logged` : null;
  if (matching === null) return partial;
  const matched = `${formatNumber(matching)} of ${formatNumber(shown)} requests`;
  return partial ? `${matched} (${partial})` : matched;
}
