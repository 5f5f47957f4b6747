import { create } from 'zustand';
import { answeredByKey, type RequestLogStats, type RequestSummary } from '../../../shared/request-log';

/** Requests kept in the console (summaries; a request's headers and bodies are fetched when opened), newest first. */
export const REQUESTS_KEPT = 1000;

interface RequestsState {
  entries: readonly RequestSummary[];
  selectedId: number | null;
  /** What the engine's log let go of, as of the last time the list was loaded. */
  log: RequestLogStats | null;
  /** Only what this mount answered (`route:get-item`, `none`), or everything. */
  mountFilter: string | null;
  /** With a mount filter: the engine's requests that mount answered (older ones too), kept up to date by the feed. */
  mountEntries: readonly RequestSummary[] | null;
  /** How many logged requests each mount answered (`answeredByKey`), loaded from the engine and counted on. */
  counts: Readonly<Record<string, number>>;
  /** The newest request id in `counts`: the feed's requests after it are added. */
  countedThrough: number;
}

export const useRequestsStore = create<RequestsState>()(() => ({
  entries: [],
  selectedId: null,
  log: null,
  mountFilter: null,
  mountEntries: null,
  counts: {},
  countedThrough: 0,
}));

/** New entries (oldest first, as the feed delivers them) put in front of the kept ones. */
export function prependRequests(
  kept: readonly RequestSummary[],
  arrived: readonly RequestSummary[],
): readonly RequestSummary[] {
  if (arrived.length === 0) return kept;
  const known = new Set(kept.map((entry) => entry.id));
  const fresh = arrived.filter((entry) => !known.has(entry.id)).reverse();
  return fresh.concat(kept).slice(0, REQUESTS_KEPT);
}

/** The counts with the requests logged after `through` added to what answered each. */
export function countRequests(
  counts: Readonly<Record<string, number>>,
  through: number,
  arrived: readonly RequestSummary[],
): { counts: Readonly<Record<string, number>>; countedThrough: number } {
  const fresh = arrived.filter((entry) => entry.id > through);
  if (fresh.length === 0) return { counts, countedThrough: through };
  const next = { ...counts };
  for (const entry of fresh) {
    const key = answeredByKey(entry.answeredBy);
    next[key] = (next[key] ?? 0) + 1;
  }
  return { counts: next, countedThrough: Math.max(through, ...fresh.map((entry) => entry.id)) };
}
