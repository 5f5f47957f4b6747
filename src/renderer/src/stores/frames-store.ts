import { create } from 'zustand';
import type { FrameRecord } from '../../../shared/connections';

interface FramesState {
  /** Frames per connection id, oldest first, bounded (see frame-buffer). */
  byConnection: Record<string, readonly FrameRecord[]>;
}

export const useFramesStore = create<FramesState>()(() => ({ byConnection: {} }));

/** Drops what is kept of connections the engine no longer keeps. */
export function forgetFrames(connectionIds: ReadonlySet<string>): void {
  useFramesStore.setState((state) => {
    const byConnection = { ...state.byConnection };
    for (const id of connectionIds) delete byConnection[id];
    return { byConnection };
  });
}

const NO_FRAMES: readonly FrameRecord[] = [];

/** Selector: one connection's frames (a stable empty list when there are none). */
export const framesOf =
  (connectionId: string | null) =>
  (state: FramesState): readonly FrameRecord[] =>
    (connectionId ? state.byConnection[connectionId] : undefined) ?? NO_FRAMES;

/** The kept frame with this seq (frames are in seq order: a binary search), or null. */
export function frameBySeq(frames: readonly FrameRecord[] | undefined, seq: number | null): FrameRecord | null {
  if (!frames || seq === null) return null;
  let low = 0;
  let high = frames.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const frame = frames[middle] as FrameRecord;
    if (frame.seq === seq) return frame;
    if (frame.seq < seq) low = middle + 1;
    else high = middle - 1;
  }
  return null;
}
