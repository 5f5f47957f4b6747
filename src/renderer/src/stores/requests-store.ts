import { create } from 'zustand';
import type { RequestLogStats, RequestSummary } from '../../../shared/request-log';

/** Requests kept in the console (summaries; a request's headers and bodies are fetched when opened), newest first. */
export const REQUESTS_KEPT = 1000;

interface RequestsState {
  entries: readonly RequestSummary[];
  selectedId: number | null;
  /** What the engine's log let go of, as of the last time the list was loaded. */
  log: RequestLogStats | null;
}

export const useRequestsStore = create<RequestsState>()(() => ({ entries: [], selectedId: null, log: null }));

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
