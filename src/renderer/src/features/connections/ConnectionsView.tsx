import { useEffect, useMemo, useState } from 'react';
import { sortConnections, useConnectionsStore } from '../../stores/connections-store';
import { useInjectDrawerStore } from '../../stores/inject-drawer-store';
import { useEscapeToClose } from '../../ui/use-escape';
import { ConnectionDetail } from './ConnectionDetail';
import { ConnectionList } from './ConnectionList';
import { ConnectionsEmptyState } from './ConnectionsEmptyState';

export function ConnectionsView() {
  const byId = useConnectionsStore((state) => state.byId);
  const selectedId = useConnectionsStore((state) => state.selectedId);
  const removedSelectionId = useConnectionsStore((state) => state.removedSelectionId);
  const connections = useMemo(() => sortConnections(byId), [byId]);
  const selected = selectedId ? byId[selectedId] : undefined;
  const drawerOpen = useInjectDrawerStore((state) => state.open && state.connectionId === selected?.id);
  /** The folded list shown over the connection by its rail (a narrow window with the drawer open). */
  const [listShown, setListShown] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each opening or closing of the drawer folds the list again
  useEffect(() => setListShown(false), [drawerOpen]);
  useEscapeToClose(() => setListShown(false), listShown);
  if (connections.length === 0) return <ConnectionsEmptyState />;
  return (
    // On a narrow window the open inject drawer takes the list's width (styles.css): the list folds into a rail.
    <div className={`connections-view${drawerOpen ? ' drawer-open' : ''}${listShown ? ' list-shown' : ''}`}>
      {drawerOpen && (
        <button
          type="button"
          className="connection-rail"
          aria-expanded={listShown}
          title={listShown ? 'Hide the connections list (Esc)' : 'Show the connections list over this connection'}
          onClick={() => setListShown(!listShown)}
        >
          Connections ({connections.length})
        </button>
      )}
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
