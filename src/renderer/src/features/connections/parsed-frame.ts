import type { FrameRecord } from '../../../../shared/connections';

/** A frame's JSON, parsed once: frames are immutable, so the parse is cached per record. */
const cache = new WeakMap<FrameRecord, Record<string, unknown> | null>();

export function parsedFrame(frame: FrameRecord): Record<string, unknown> | null {
  let parsed = cache.get(frame);
  if (parsed === undefined) {
    parsed = null;
    if (!frame.binary) {
      try {
        const value: unknown = JSON.parse(frame.text);
        if (value && typeof value === 'object' && !Array.isArray(value)) parsed = value as Record<string, unknown>;
      } catch {
        // Not JSON: the inspector shows the raw text.
      }
    }
    cache.set(frame, parsed);
  }
  return parsed;
}

export function stringField(event: Record<string, unknown> | null, field: string): string | null {
  const value = event?.[field];
  return typeof value === 'string' ? value : null;
}
