import { create } from 'zustand';
import type { ConnectionKind, ConnectionState, ConnectionSummary } from '../../../shared/connections';

/** How the connection list is searched, filtered and grouped (kept while switching views). */
export interface ConnectionQuery {
  /** Words that must all match (see connection-search); empty: every connection. */
  text: string;
  state: ConnectionState | 'all';
  kind: ConnectionKind | 'all';
  /** Empty: every path. */
  path: string;
  groupByThread: boolean;
}

export const NO_CONNECTION_QUERY: ConnectionQuery = {
  text: '',
  state: 'all',
  kind: 'all',
  path: '',
  groupByThread: false,
};

export interface ConnectionsState {
  byId: Record<string, ConnectionSummary>;
  /** The connection whose frames are shown. */
  selectedId: string | null;
  /** The selected connection, closed, was then removed by the engine (evicted or one closed connection too many). */
  removedSelectionId: string | null;
  query: ConnectionQuery;
}

export const useConnectionsStore = create<ConnectionsState>()(() => ({
  byId: {},
  selectedId: null,
  removedSelectionId: null,
  query: NO_CONNECTION_QUERY,
}));

export function setConnectionQuery(patch: Partial<ConnectionQuery>): void {
  useConnectionsStore.setState((state) => ({ query: { ...state.query, ...patch } }));
}

export function selectConnection(connectionId: string | null): void {
  useConnectionsStore.setState({ selectedId: connectionId, removedSelectionId: null });
}

/** Forgets closed connections the engine no longer keeps; a selected one is unselected, saying so. */
export function removeConnections(ids: ReadonlySet<string>): void {
  useConnectionsStore.setState((state) => {
    const byId = { ...state.byId };
    for (const id of ids) delete byId[id];
    if (state.selectedId === null || !ids.has(state.selectedId)) return { byId };
    return { byId, selectedId: null, removedSelectionId: state.selectedId };
  });
}

/** Newest first; a connection that closes keeps its place in the list. */
export function sortConnections(byId: Record<string, ConnectionSummary>): ConnectionSummary[] {
  return Object.values(byId).sort(newestFirst);
}

const newestFirst = (a: Pick<ConnectionSummary, 'openedAt' | 'id'>, b: Pick<ConnectionSummary, 'openedAt' | 'id'>) =>
  b.openedAt - a.openedAt || (a.id < b.id ? -1 : 1);

/** An open connection as the pickers of open connections show it. */
export type OpenConnection = Pick<ConnectionSummary, 'id' | 'path' | 'threadId' | 'protocol' | 'openedAt'>;

/** The last answer of `selectOpenConnections`, by the connections it was worked out from. */
let openConnections: { byId: ConnectionsState['byId']; open: readonly OpenConnection[] } = { byId: {}, open: [] };

/**
 * The open connections, newest first, as a picker shows them: the same array until one opens, closes or changes
 * what it shows (its thread). A feed batch that only counts frames of connections (a few times a second per
 * streaming run) changes `byId` — and re-rendered every picker of a thousand open connections with it.
 */
export function selectOpenConnections({ byId }: ConnectionsState): readonly OpenConnection[] {
  if (byId === openConnections.byId) return openConnections.open;
  const previous = openConnections.open;
  const open = Object.values(byId).filter((connection) => connection.state === 'open');
  const same =
    open.length === previous.length &&
    previous.every((before) => {
      const now = byId[before.id];
      return now?.state === 'open' && now.threadId === before.threadId && now.path === before.path;
    });
  const next = same
    ? previous
    : open
        .sort(newestFirst)
        .map(({ id, path, threadId, protocol, openedAt }) => ({ id, path, threadId, protocol, openedAt }));
  openConnections = { byId, open: next };
  return next;
}
