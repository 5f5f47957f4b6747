import type { FrameRecord } from '../../../../shared/connections';

/**
 * Values worked out once per frame (frames never change) and kept on the frame itself, in a property no
 * serialisation or spread sees. Not in WeakMaps: with thousands of frames kept, every major GC has to trace
 * each WeakMap entry as an ephemeron, which took tens of milliseconds at a time under a flood.
 */
export function frameMemo<T>(key: symbol, frame: FrameRecord, compute: () => T): T {
  const holder = frame as unknown as Record<symbol, T>;
  if (key in holder) return holder[key] as T;
  const value = compute();
  Object.defineProperty(frame, key, { value, writable: true, enumerable: false });
  return value;
}
