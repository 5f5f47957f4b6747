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

interface ConnectionsState {
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
  return Object.values(byId).sort((a, b) => b.openedAt - a.openedAt || (a.id < b.id ? -1 : 1));
}
