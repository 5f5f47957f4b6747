import { create } from 'zustand';
import {
  answeredByKey,
  type RequestCounts,
  type RequestLogStats,
  type RequestSummary,
} from '../../../shared/request-log';

/** Requests kept in the console (summaries; a request's headers and bodies are fetched when opened), newest first. */
export const REQUESTS_KEPT = 1000;

export interface RequestsState {
  entries: readonly RequestSummary[];
  selectedId: number | null;
  /** What the engine's log let go of, as of the last look (the list loaded, or the Requests view's refresh). */
  log: RequestLogStats | null;
  /**
   * The oldest request id the engine's log may still hold (1: any): older ones it let go of are not listed. From its
   * last look, and from the newest request the feed brought and the `requestLogSize` setting.
   */
  keptFrom: number;
  /** The newest request id the log held at its last look (0: none): `log` counts what it let go of up to it. */
  lookedThrough: number;
  /** Only what this mount answered (`route:get-item`, `none`), or everything. */
  mountFilter: string | null;
  /** With a mount filter: the engine's requests that mount answered (older ones too), kept up to date by the feed. */
  mountEntries: readonly RequestSummary[] | null;
  /**
   * With a mount filter: how many requests the engine's log holds that it answered (`mountEntries` lists the newest
   * REQUESTS_KEPT), as of the last look and counted on with the feed; null until loaded.
   */
  mountTotal: number | null;
  /** How many logged requests each mount answered (`answeredByKey`), loaded from the engine and counted on. */
  counts: Readonly<Record<string, number>>;
  /** The newest request id in `counts`: the feed's requests after it are added. */
  countedThrough: number;
}

export const useRequestsStore = create<RequestsState>()(() => ({
  entries: [],
  selectedId: null,
  log: null,
  keptFrom: 1,
  lookedThrough: 0,
  mountFilter: null,
  mountEntries: null,
  mountTotal: null,
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

/** The entries the engine's log may still hold: those from `keptFrom` on (the same list when that is all of them). */
export function withoutDropped(entries: readonly RequestSummary[], keptFrom: number): readonly RequestSummary[] {
  // Newest first: the dropped ones, if any, are at the end.
  const last = entries.at(-1);
  if (!last || last.id >= keptFrom) return entries;
  return entries.filter((entry) => entry.id >= keptFrom);
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

/**
 * The engine's counts with the requests it logged after it answered added (`arrived`: those the console lists). Its
 * newest counted says which those are; an empty log has none, and then only the requests after the newest the console
 * had seen when it asked (`seenThrough`) are new: the older ones it may still list had left the log.
 */
export function countsFromEngine(
  counts: RequestCounts,
  seenThrough: number,
  arrived: readonly RequestSummary[],
): { counts: Readonly<Record<string, number>>; countedThrough: number } {
  const through = counts.total === 0 ? Math.max(counts.newestId, seenThrough) : counts.newestId;
  return countRequests(counts.byMount, through, arrived);
}
