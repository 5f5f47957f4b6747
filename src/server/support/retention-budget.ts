import type { RetainedAmount, RetentionStats, RetentionTier } from '../../shared/retention';

/**
 * The order in which holders give memory back once the budget is exceeded: recently closed connections
 * (oldest closed first, whole), then the oldest frames of open connections, then the bodies of the oldest
 * logged requests, and as a last resort the oldest logged requests themselves.
 */
export const EVICTION_ORDER: readonly RetentionTier[] = [
  'closedConnections',
  'openConnectionFrames',
  'requestBodies',
  'requests',
];

/** Gives back at least `bytes` if it can, oldest first; returns what it let go of. */
export type Reclaimer = (bytes: number) => RetainedAmount;

/** Evicting stops once usage is down to this share of the limit, so evictions come in batches, not per item. */
const LOW_WATER = 0.9;

/*
 * Estimates. Exact heap sizes are not observable cheaply; these err on the high side. Text counts 2 bytes per
 * character (V8 keeps a string in 1 or 2 bytes per character), plus a fixed cost per record for the object
 * holding it (fields, the timestamp, its ring-buffer slot).
 */

/** Estimated bytes a retained string takes. */
export function textBytes(text: string): number {
  return 2 * text.length;
}

/** One frame record (`FrameRecord`) besides its text. */
export const FRAME_RECORD_BYTES = 128;

/** A closed connection kept for the console besides its frames: its counters, names, sequence tracker. */
export const CLOSED_CONNECTION_BYTES = 4096;

/** One request-log entry besides the text of its request head and bodies: the entry, its headers' objects. */
export const REQUEST_RECORD_BYTES = 1024;

/**
 * One engine-wide budget (`retainedMemoryBytes`) for what the engine keeps only so the console can show it:
 * the frame logs of open and recently closed connections and the request log. Holders charge the estimated
 * bytes of what they keep as they keep it and release what they drop by themselves (ring buffers full,
 * cleared); when a charge takes the total over the limit, the holders are asked, in `EVICTION_ORDER`, to give
 * back enough to get under it again.
 */
export class RetentionBudget {
  private used = 0;
  private evicting = false;
  private readonly reclaimers = new Map<RetentionTier, Reclaimer>();
  private readonly evicted = Object.fromEntries(EVICTION_ORDER.map((tier) => [tier, { items: 0, bytes: 0 }])) as Record<
    RetentionTier,
    RetainedAmount
  >;

  constructor(private limit: number) {}

  get limitBytes(): number {
    return this.limit;
  }

  get usedBytes(): number {
    return this.used;
  }

  /** Changes the limit; a lower one evicts at once. */
  setLimit(bytes: number): void {
    this.limit = bytes;
    this.enforce();
  }

  /** The holder of one tier; it must not charge or release from inside the reclaimer (it returns what it freed). */
  register(tier: RetentionTier, reclaimer: Reclaimer): void {
    this.reclaimers.set(tier, reclaimer);
  }

  /** Counts bytes just retained, evicting when the total passes the limit. Charge after the item is in place. */
  charge(bytes: number): void {
    this.used += bytes;
    if (this.used > this.limit) this.enforce();
  }

  /** Counts bytes a holder let go of by itself. */
  release(bytes: number): void {
    this.used -= bytes;
  }

  stats(): RetentionStats {
    return {
      limitBytes: this.limit,
      usedBytes: this.used,
      evicted: Object.fromEntries(EVICTION_ORDER.map((tier) => [tier, { ...this.evicted[tier] }])) as Record<
        RetentionTier,
        RetainedAmount
      >,
    };
  }

  private enforce(): void {
    // A reclaimer's side effects (console events) must not start a second round inside this one.
    if (this.evicting || this.used <= this.limit) return;
    this.evicting = true;
    try {
      const target = Math.floor(this.limit * LOW_WATER);
      for (const tier of EVICTION_ORDER) {
        if (this.used <= target) break;
        const reclaim = this.reclaimers.get(tier);
        if (!reclaim) continue;
        const freed = reclaim(this.used - target);
        this.used -= freed.bytes;
        this.evicted[tier].items += freed.items;
        this.evicted[tier].bytes += freed.bytes;
      }
    } finally {
      this.evicting = false;
    }
  }
}
