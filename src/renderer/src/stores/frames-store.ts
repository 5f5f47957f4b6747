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
