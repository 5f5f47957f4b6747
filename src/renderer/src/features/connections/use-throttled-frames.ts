import { startTransition, useEffect, useState } from 'react';
import type { FrameRecord } from '../../../../shared/connections';
import { framesOf, useFramesStore } from '../../stores/frames-store';
import { frameRefreshDelay } from './frame-refresh-delay';

/**
 * A connection's frames, refreshed at most every `intervalMs` (the first frames at once) and at low priority: for
 * views that redo work on every frame kept (the run timeline), so a flood costs them a little once in a while, not
 * on every batch.
 */
export function useThrottledFrames(connectionId: string, intervalMs: number): readonly FrameRecord[] {
  const select = framesOf(connectionId);
  const [frames, setFrames] = useState(() => select(useFramesStore.getState()));
  // biome-ignore lint/correctness/useExhaustiveDependencies: `select` is derived from connectionId
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    let shown = 0;
    const publish = () => {
      timer = undefined;
      last = Date.now();
      const latest = select(useFramesStore.getState());
      shown = latest.length;
      startTransition(() => setFrames(latest));
    };
    publish();
    const unsubscribe = useFramesStore.subscribe((state, previous) => {
      if (select(state) === select(previous) || timer) return;
      timer = setTimeout(publish, frameRefreshDelay(shown, last, Date.now(), intervalMs));
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [connectionId, intervalMs]);
  return frames;
}
