/**
 * How long a throttled view waits before it shows a connection's newer frames. Nothing shown yet: none, so a
 * connection's first frames replace "No run yet" at once. Otherwise what is left of `intervalMs` since the view last
 * refreshed, so a flood costs it one rebuild per interval.
 */
export function frameRefreshDelay(framesShown: number, lastRefreshAt: number, now: number, intervalMs: number): number {
  if (framesShown === 0) return 0;
  return Math.max(0, lastRefreshAt + intervalMs - now);
}
