/**
 * What the engine keeps only for the console (connections' frame logs, the request log) stays within one
 * budget, the `retainedMemoryBytes` setting; past it the oldest things are evicted, tier by tier.
 */
export type RetentionTier = 'closedConnections' | 'openConnectionFrames' | 'requestBodies' | 'requests';

/** How many things (connections, frames, bodies, requests) and their estimated bytes. */
export interface RetainedAmount {
  items: number;
  bytes: number;
}

export interface RetentionStats {
  limitBytes: number;
  /** Estimated bytes retained now (an estimate that errs on the high side). */
  usedBytes: number;
  /** Evicted for the budget since the engine started, per tier. */
  evicted: Record<RetentionTier, RetainedAmount>;
}
