import { create } from 'zustand';
import type { ConnectionSummary } from '../../../shared/connections';

interface ConnectionsState {
  byId: Record<string, ConnectionSummary>;
  /** The connection whose frames are shown. */
  selectedId: string | null;
}

export const useConnectionsStore = create<ConnectionsState>()(() => ({ byId: {}, selectedId: null }));

export function selectConnection(connectionId: string | null): void {
  useConnectionsStore.setState({ selectedId: connectionId });
}

/** Newest first, open ones before closed ones. */
export function sortConnections(byId: Record<string, ConnectionSummary>): ConnectionSummary[] {
  return Object.values(byId).sort(
    (a, b) => Number(a.state === 'closed') - Number(b.state === 'closed') || b.openedAt - a.openedAt,
  );
}
