/**
 * The most the engine's drips hold in memory at once (each its own copy of a small file's bytes, or of its text):
 * 10,000 drips (the default connection limit) of 64 KiB files alone would take 625 MiB. Past it, a drip of a file
 * reads it piece by piece, as it reads one too large to hold, and a drip of a text is refused for the moment (one
 * larger than the whole bound, for good).
 */
export const DRIP_HOLDINGS_MAX_BYTES = 64 * 1024 * 1024;

/** What the drips of one engine hold in memory, within one bound for all of them. */
export class DripHoldings {
  private held = 0;

  constructor(readonly limitBytes = DRIP_HOLDINGS_MAX_BYTES) {}

  /** The bytes held now. */
  get heldBytes(): number {
    return this.held;
  }

  /**
   * Takes room for `bytes` if it fits: a function that gives it back (once, however often it is called), or
   * undefined when the drips hold too much already.
   */
  take(bytes: number): (() => void) | undefined {
    if (this.held + bytes > this.limitBytes) return undefined;
    this.held += bytes;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.held -= bytes;
    };
  }
}
