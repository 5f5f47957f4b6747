import type { ConnectionSummary } from '../../../../shared/connections';
import type { ConnectionQuery } from '../../stores/connections-store';
import { keyedSearch } from '../../ui/keyed-search';

/** Fields a search word may name (`thread:abc`); a bare word matches any of them. */
const FIELDS = {
  id: (c: ConnectionSummary) => c.id,
  path: (c: ConnectionSummary) => c.path,
  thread: (c: ConnectionSummary) => c.threadId ?? '',
  user: (c: ConnectionSummary) => c.userId ?? '',
  kind: (c: ConnectionSummary) => c.kind,
  state: (c: ConnectionSummary) => c.state,
  client: (c: ConnectionSummary) => c.remoteAddress,
  code: (c: ConnectionSummary) => (c.closeCode === null ? '' : String(c.closeCode)),
} as const;

/** Other names people use for a key, which no typo count finds. */
const KEY_ALIASES: Readonly<Record<string, string>> = {
  type: 'kind',
  status: 'state',
  ip: 'client',
  address: 'client',
  threadid: 'thread',
  thread_id: 'thread',
  userid: 'user',
  user_id: 'user',
};

const search = keyedSearch(FIELDS, KEY_ALIASES);

/** The search box's words: each must match (in any case), `field:text` only in that field. */
export const searchWords = search.words;

/** Why a search found nothing when a word names a key there is none of (see KeyedSearch.keyHint), or null. */
export const searchKeyHint = search.keyHint;

/** What the list says when its search and filters leave nothing: why, when a word names an unknown key. */
export function noMatchText(text: string): string {
  const hint = search.keyHint(text);
  return hint ? `No connection matches. ${hint}` : 'No connection matches.';
}

/** Whether the list's search and filters leave some connections out. */
export function isSearching(query: ConnectionQuery): boolean {
  return query.text.trim() !== '' || query.state !== 'all' || query.kind !== 'all' || query.path !== '';
}

/** The connections (in the order given) that match the search words and the state, kind and path filters. */
export function searchConnections(
  connections: readonly ConnectionSummary[],
  query: ConnectionQuery,
): ConnectionSummary[] {
  const words = search.words(query.text);
  return connections.filter(
    (connection) =>
      (query.state === 'all' || connection.state === query.state) &&
      (query.kind === 'all' || connection.kind === query.kind) &&
      (query.path === '' || connection.path === query.path) &&
      search.matches(connection, words),
  );
}

export interface ThreadGroup {
  /** The thread id, or null for connections that named none yet. */
  threadId: string | null;
  connections: ConnectionSummary[];
}

/** Connections by thread, in the order each thread first appears in the list (so newest first stays so). */
export function groupByThread(connections: readonly ConnectionSummary[]): ThreadGroup[] {
  const groups = new Map<string | null, ThreadGroup>();
  for (const connection of connections) {
    const group = groups.get(connection.threadId);
    if (group) group.connections.push(connection);
    else groups.set(connection.threadId, { threadId: connection.threadId, connections: [connection] });
  }
  return [...groups.values()];
}
