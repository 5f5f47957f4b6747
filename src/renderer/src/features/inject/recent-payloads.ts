import { z } from 'zod';
import { MACRO_NAMES } from '../../../../shared/control-api';
import { JsonObjectSchema } from '../../../../shared/json-value';
import type { PayloadContent } from './payload-bodies';

/** What this browser sent last from the inject drawer (events and macros), newest first, for any engine. */
export type RecentPayload = Extract<PayloadContent, { kind: 'events' | 'macro' }> & { at: number };

export const RECENT_PAYLOADS_KEY = 'agui-mock.recent-payloads.v1';
export const MAX_RECENT_PAYLOADS = 20;
/** Characters of one entry (as JSON) remembered at most; a larger send is not remembered. */
export const MAX_RECENT_PAYLOAD_CHARS = 32 * 1024;

const RecentPayloadSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('events'), body: z.array(JsonObjectSchema).min(1), at: z.number() }),
  z.object({
    kind: z.literal('macro'),
    body: z.object({ macro: z.enum(MACRO_NAMES), params: JsonObjectSchema }),
    at: z.number(),
  }),
]);

/** The list with `entry` first: the same payload sent again moves up instead of appearing twice. */
export function withRecent(list: readonly RecentPayload[], entry: RecentPayload): RecentPayload[] {
  if (JSON.stringify(entry).length > MAX_RECENT_PAYLOAD_CHARS) return [...list];
  const same = contentKey(entry);
  return [entry, ...list.filter((item) => contentKey(item) !== same)].slice(0, MAX_RECENT_PAYLOADS);
}

function contentKey(entry: RecentPayload): string {
  return JSON.stringify([entry.kind, entry.body]);
}

/** The list kept in this browser; entries it cannot read are left out. */
export function readRecent(storage: Storage): RecentPayload[] {
  try {
    const value: unknown = JSON.parse(storage.getItem(RECENT_PAYLOADS_KEY) ?? '[]');
    if (!Array.isArray(value)) return [];
    return value
      .flatMap((item) => {
        const parsed = RecentPayloadSchema.safeParse(item);
        return parsed.success ? [parsed.data as RecentPayload] : [];
      })
      .slice(0, MAX_RECENT_PAYLOADS);
  } catch {
    return [];
  }
}

export function writeRecent(storage: Storage, list: readonly RecentPayload[]): void {
  try {
    storage.setItem(RECENT_PAYLOADS_KEY, JSON.stringify(list));
  } catch {
    // Over the quota: the list still lives for this page.
  }
}
