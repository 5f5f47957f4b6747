import { useMemo } from 'react';
import { sortConnections, useConnectionsStore } from '../../stores/connections-store';
import { ConnectionDetail } from './ConnectionDetail';
import { ConnectionList } from './ConnectionList';
import { ConnectionsEmptyState } from './ConnectionsEmptyState';

export function ConnectionsView() {
  const byId = useConnectionsStore((state) => state.byId);
  const selectedId = useConnectionsStore((state) => state.selectedId);
  const removedSelectionId = useConnectionsStore((state) => state.removedSelectionId);
  const connections = useMemo(() => sortConnections(byId), [byId]);
  const selected = selectedId ? byId[selectedId] : undefined;
  if (connections.length === 0) return <ConnectionsEmptyState />;
  return (
    <div className="connections-view">
      <ConnectionList connections={connections} selectedId={selectedId} />
      {selected ? (
        // Keyed so filters, cursor and drawer start fresh for each connection.
        <ConnectionDetail key={selected.id} connection={selected} />
      ) : (
        <div className="panel">
          {removedSelectionId && (
            <div className="notice warning" data-testid="connection-removed">
              Connection <code>{removedSelectionId}</code> had closed and is no longer kept by the engine (evicted for
              its memory budget, or past the number of closed connections it keeps).
            </div>
          )}
          <div className="empty">Select a connection to see its frames, its run timeline, and to inject events.</div>
        </div>
      )}
    </div>
  );
}
