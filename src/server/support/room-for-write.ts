/**
 * Whether a write that replaces `before` bytes with `after` keeps `used` within `limit` — or takes no more than it
 * frees, which is always allowed (a store past its limit, as a loaded file may leave it, can still be shrunk).
 */
export function roomForWrite(used: number, before: number, after: number, limit: number): boolean {
  return after <= before || used - before + after <= limit;
}
