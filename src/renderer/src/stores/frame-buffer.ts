import type { FrameRecord } from '../../../shared/connections';

/** Frames kept per connection in the console: beyond it the oldest go (the engine keeps its own ring buffer). */
export const FRAMES_KEPT_PER_CONNECTION = 5000;

/**
 * Appends frames that arrived (in seq order) to what is kept, skipping ones already there (a fetch and the
 * feed may both deliver a frame), and keeps only the newest `cap`. Returns `existing` when nothing is new.
 */
export function appendFrames(
  existing: readonly FrameRecord[],
  incoming: readonly FrameRecord[],
  cap = FRAMES_KEPT_PER_CONNECTION,
): readonly FrameRecord[] {
  const lastSeq = existing.at(-1)?.seq ?? 0;
  const fresh = incoming.filter((frame) => frame.seq > lastSeq);
  if (fresh.length === 0) return existing;
  const merged = existing.concat(fresh);
  return merged.length > cap ? merged.slice(merged.length - cap) : merged;
}

/**
 * A fetched page (newest first, as the API pages) joined with what the feed already brought: the fetch is the
 * base, feed frames newer than it are kept.
 */
export function withFetchedFrames(
  existing: readonly FrameRecord[],
  fetchedNewestFirst: readonly FrameRecord[],
  cap = FRAMES_KEPT_PER_CONNECTION,
): readonly FrameRecord[] {
  const fetched = [...fetchedNewestFirst].reverse();
  return appendFrames(fetched, existing, cap);
}
