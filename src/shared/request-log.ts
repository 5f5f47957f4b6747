/** One REST request as the console sees it. Bodies are truncated to the configured cap. */
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
}

export interface LoggedBody {
  /** Body as text (JSON re-serialised), cut at the cap. */
  text: string;
  /** Full size in bytes before truncation. */
  size: number;
  truncated: boolean;
}

/** What the console's request list shows; the full entry (headers, bodies) is fetched when one is opened. */
export type RequestSummary = Pick<
  RequestLogEntry,
  'id' | 'at' | 'method' | 'path' | 'query' | 'status' | 'durationMs' | 'remoteAddress'
>;
