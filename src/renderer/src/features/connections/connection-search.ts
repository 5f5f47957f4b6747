import { closestName } from '../../../../shared/closest-name';
import type { ConnectionSummary } from '../../../../shared/connections';
import type { ConnectionQuery } from '../../stores/connections-store';

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

type Field = keyof typeof FIELDS;
const isField = (name: string): name is Field => Object.hasOwn(FIELDS, name);

interface Word {
  field: Field | null;
  text: string;
}

/** The search box's words: each must match (in any case), `field:text` only in that field. */
export function searchWords(text: string): Word[] {
  return text
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => {
      const colon = word.indexOf(':');
      const field = colon > 0 ? word.slice(0, colon) : '';
      return isField(field) ? { field, text: word.slice(colon + 1) } : { field: null, text: word };
    });
}

/** The keys a search word may name, in the order a hint lists them. */
export const SEARCH_KEYS: readonly string[] = Object.keys(FIELDS);

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

/** The key a mistyped one most likely meant (`stat` → `state`, `thred` → `thread`), or null unless exactly one is. */
function closestKey(typed: string): string | null {
  return KEY_ALIASES[typed] ?? closestName(typed, SEARCH_KEYS) ?? null;
}

/**
 * What to tell someone whose search found nothing because a word names a key there is none of (`stat:open` is then
 * text to find anywhere): the key it likely meant, and the keys there are. Null when every key named is known. Only
 * letters before the colon count as a key, so an address (`::1`) or a URL (`http://…`) is left alone.
 */
export function searchKeyHint(text: string): string | null {
  const said = new Map<string, string>();
  for (const word of text.trim().toLowerCase().split(/\s+/)) {
    const key = /^([a-z][a-z_-]*):(?!\/\/)/.exec(word)?.[1];
    if (key === undefined || isField(key) || said.has(key)) continue;
    const meant = closestKey(key);
    said.set(
      key,
      `“${key}” is not a search key${meant ? ` — did you mean ${meant}:${word.slice(key.length + 1)}?` : '.'}`,
    );
  }
  if (said.size === 0) return null;
  const keys = SEARCH_KEYS.map((key) => `${key}:`);
  return `${[...said.values()].join(' ')} Search by ${keys.slice(0, -1).join(', ')} or ${keys.at(-1)}, or by a word alone to match any of them.`;
}

/** What the list says when its search and filters leave nothing: why, when a word names an unknown key. */
export function noMatchText(text: string): string {
  const hint = searchKeyHint(text);
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
  const words = searchWords(query.text);
  const fields = Object.values(FIELDS);
  return connections.filter(
    (connection) =>
      (query.state === 'all' || connection.state === query.state) &&
      (query.kind === 'all' || connection.kind === query.kind) &&
      (query.path === '' || connection.path === query.path) &&
      words.every(({ field, text }) =>
        field
          ? FIELDS[field](connection).toLowerCase().includes(text)
          : fields.some((read) => read(connection).toLowerCase().includes(text)),
      ),
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
