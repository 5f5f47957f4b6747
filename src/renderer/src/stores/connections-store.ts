import { create } from 'zustand';
import type { ConnectionSummary } from '../../../shared/connections';

interface ConnectionsState {
  byId: Record<string, ConnectionSummary>;
  /** The connection whose frames are shown. */
  selectedId: string | null;
  /** The selected connection, closed, was then removed by the engine (evicted or one closed connection too many). */
  removedSelectionId: string | null;
}

export const useConnectionsStore = create<ConnectionsState>()(() => ({
  byId: {},
  selectedId: null,
  removedSelectionId: null,
}));

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

/** Newest first, open ones before closed ones. */
export function sortConnections(byId: Record<string, ConnectionSummary>): ConnectionSummary[] {
  return Object.values(byId).sort(
    (a, b) => Number(a.state === 'closed') - Number(b.state === 'closed') || b.openedAt - a.openedAt,
  );
}
