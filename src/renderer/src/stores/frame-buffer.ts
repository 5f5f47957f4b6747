import type { FrameRecord } from '../../../shared/connections';

/** Frames kept per connection in the console: beyond it the oldest go (the engine keeps its own ring buffer). */
export const FRAMES_KEPT_PER_CONNECTION = 5000;

/**
 * Characters of frame text kept per connection in the console (about 64 MiB as a page holds them): 5,000 frames of a
 * megabyte each would take the tab down, so large frames leave fewer kept. The newest frame always stays.
 */
export const FRAME_TEXT_KEPT_PER_CONNECTION = 32 * 1024 * 1024;

/**
 * Appends frames that arrived (in seq order) to what is kept, skipping ones already there (a fetch and the
 * feed may both deliver a frame), and keeps only the newest: at most `cap` of them, and only as many as fit in
 * `textCap` characters. Returns `existing` when nothing is new.
 */
export function appendFrames(
  existing: readonly FrameRecord[],
  incoming: readonly FrameRecord[],
  cap = FRAMES_KEPT_PER_CONNECTION,
  textCap = FRAME_TEXT_KEPT_PER_CONNECTION,
): readonly FrameRecord[] {
  const lastSeq = existing.at(-1)?.seq ?? 0;
  const fresh = incoming.filter((frame) => frame.seq > lastSeq);
  if (fresh.length === 0) return existing;
  return keepNewest(existing.concat(fresh), cap, textCap);
}

/** The newest frames of `frames` (oldest first) that fit `cap` and `textCap`; at least the newest one. */
function keepNewest(frames: readonly FrameRecord[], cap: number, textCap: number): readonly FrameRecord[] {
  let start = Math.max(0, frames.length - cap);
  let text = 0;
  for (let index = frames.length - 1; index >= start; index--) {
    text += (frames[index] as FrameRecord).text.length;
    if (text > textCap && index < frames.length - 1) {
      start = index + 1;
      break;
    }
  }
  return start > 0 ? frames.slice(start) : frames;
}

/**
 * A fetched page (newest first, as the API pages) joined with what the feed already brought: the fetch is the
 * base, feed frames newer than it are kept.
 */
export function withFetchedFrames(
  existing: readonly FrameRecord[],
  fetchedNewestFirst: readonly FrameRecord[],
  cap = FRAMES_KEPT_PER_CONNECTION,
  textCap = FRAME_TEXT_KEPT_PER_CONNECTION,
): readonly FrameRecord[] {
  const fetched = [...fetchedNewestFirst].reverse();
  return keepNewest(appendFrames(fetched, existing, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY), cap, textCap);
}
