import type { MountRef, NearMiss } from './mounts/match-report';

/** One REST request as the console sees it. Bodies are text cut at the `logBodyBytes` setting. */
export interface RequestLogEntry {
  id: number;
  /** Unix milliseconds when the request arrived. */
  at: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  status: number;
  durationMs: number;
  remoteAddress: string;
  requestHeaders: Record<string, string | string[] | undefined>;
  responseHeaders: Record<string, string | string[] | number | undefined>;
  requestBody: LoggedBody | null;
  responseBody: LoggedBody | null;
  /** The mount that answered (a route and its response, a collection, a folder, an agent, a pack), when one did. */
  answeredBy: MountRef | null;
  /** For a request nothing answered (404, or 405 on a path served for other methods): the closest routes and why each did not match. */
  nearMisses: NearMiss[];
  /** Why the engine refused the request before any mount saw it (the gateway's API-key check); null when it did not. */
  refusal: string | null;
}

/** A body as the log keeps it: text (captured when the request finished), never more than `logBodyBytes`. */
export interface LoggedBody {
  /**
   * The body as text: JSON as it arrived or went out, other values serialised; cut at `logBodyBytes` (at a
   * character boundary). Empty once evicted. When `described`, a description instead (`<2048 bytes of image/png>`).
   */
  text: string;
  /**
   * The log did not keep this body as text — binary, streamed, or a request body no mount read — and `text` says
   * what it was: not something to send again or serve as it stands.
   */
  described: boolean;
  /** Full size in UTF-8 bytes before any cut. */
  size: number;
  /** Only the first `logBodyBytes` bytes were kept. */
  truncated: boolean;
  /** The text was dropped later to keep the engine within `retainedMemoryBytes` (size and headers stay). */
  evicted: boolean;
}

/** What the console's request list shows; the full entry (headers, bodies) is fetched when one is opened. */
export type RequestSummary = Pick<
  RequestLogEntry,
  'id' | 'at' | 'method' | 'path' | 'query' | 'status' | 'durationMs' | 'remoteAddress' | 'answeredBy' | 'refusal'
>;

/** How much the log holds and how many older requests it let go of since it was last cleared (always the oldest). */
export interface RequestLogStats {
  /** Requests held now. */
  kept: number;
  /** Older requests pushed out because the log reached `requestLogSize` entries. */
  droppedForSize: number;
  /** Older requests evicted whole to keep the engine within `retainedMemoryBytes`. */
  evictedForMemory: number;
  /** Requests whose bodies were evicted for `retainedMemoryBytes` (their entries stayed, marked). */
  bodiesEvictedForMemory: number;
  /** Estimated bytes the requests held take, as counted against `retainedMemoryBytes`. */
  retainedBytes: number;
}

/** `GET /requests`: a page of the log, newest first (full entries, or summaries with `view=summary`), and its stats. */
export interface RequestLogPage<T extends RequestSummary = RequestLogEntry | RequestSummary> {
  items: T[];
  /** How many match the filter (before paging). */
  total: number;
  log: RequestLogStats;
}

/** How a request log entry names what answered it: `route:get-item`, `pack:agora-mock`, or `none` (a 404). */
export function answeredByKey(answeredBy: MountRef | null): string {
  return answeredBy ? `${answeredBy.kind}:${answeredBy.id}` : 'none';
}

/** `GET /requests/counts`: how many logged requests each mount answered (by `answeredByKey`), and in all. */
export interface RequestCounts {
  byMount: Record<string, number>;
  total: number;
  /** The id of the newest request counted (0 for none): later ones are counted by whoever follows the feed. */
  newestId: number;
}
