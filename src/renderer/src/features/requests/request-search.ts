import type { RequestSummary } from '../../../../shared/request-log';
import { keyedSearch } from '../../ui/keyed-search';

/** A request's path with its query string, as the list shows it. */
export const pathAndQuery = (entry: { path: string; query: string }) =>
  entry.query ? `${entry.path}?${entry.query}` : entry.path;

/** Fields a filter word may name (`status:404`); a bare word matches any of them. */
const FIELDS = {
  method: (entry: RequestSummary) => entry.method,
  path: (entry: RequestSummary) => pathAndQuery(entry),
  status: (entry: RequestSummary) => String(entry.status),
} as const;

/** Other names people use for a key, which no typo count finds. */
const KEY_ALIASES: Readonly<Record<string, string>> = { code: 'status', verb: 'method', url: 'path', query: 'path' };

const search = keyedSearch(FIELDS, KEY_ALIASES);

/** The requests (in the order given) matching every word of the filter, as the Connections search matches. */
export function searchRequests(entries: readonly RequestSummary[], text: string): readonly RequestSummary[] {
  const words = search.words(text);
  return words.length === 0 ? entries : entries.filter((entry) => search.matches(entry, words));
}

/** What the list says when its filter leaves nothing: why, when a word names an unknown key. */
export function noRequestMatchText(text: string): string {
  const hint = search.keyHint(text);
  return hint ? `No request matches. ${hint}` : 'No request matches.';
}
