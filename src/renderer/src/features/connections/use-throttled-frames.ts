import { startTransition, useEffect, useState } from 'react';
import type { FrameRecord } from '../../../../shared/connections';
import { framesOf, useFramesStore } from '../../stores/frames-store';

/**
 * A connection's frames, refreshed at most every `intervalMs` and at low priority: for views that redo work on
 * every frame kept (the run timeline), so a flood costs them a little once in a while, not on every batch.
 */
export function useThrottledFrames(connectionId: string, intervalMs: number): readonly FrameRecord[] {
  const select = framesOf(connectionId);
  const [frames, setFrames] = useState(() => select(useFramesStore.getState()));
  // biome-ignore lint/correctness/useExhaustiveDependencies: `select` is derived from connectionId
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const publish = () => {
      timer = undefined;
      last = Date.now();
      const latest = select(useFramesStore.getState());
      startTransition(() => setFrames(latest));
    };
    publish();
    const unsubscribe = useFramesStore.subscribe((state, previous) => {
      if (select(state) === select(previous) || timer) return;
      timer = setTimeout(publish, Math.max(0, last + intervalMs - Date.now()));
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [connectionId, intervalMs]);
  return frames;
}
