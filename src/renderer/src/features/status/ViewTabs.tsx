import { useMemo } from 'react';
import { useConnectionsStore } from '../../stores/connections-store';
import { showView, useNavigationStore, VIEW_TITLES, VIEWS } from '../../stores/navigation-store';
import { useRequestsStore } from '../../stores/requests-store';

export function ViewTabs() {
  const view = useNavigationStore((state) => state.view);
  const byId = useConnectionsStore((state) => state.byId);
  const requestCount = useRequestsStore((state) => state.entries.length);
  const connectionCount = useMemo(() => Object.keys(byId).length, [byId]);
  const counts: Partial<Record<(typeof VIEWS)[number], number>> = {
    connections: connectionCount,
    requests: requestCount,
  };
  return (
    <div className="nav" role="tablist" aria-label="Views">
      {VIEWS.map((name) => (
        <button key={name} type="button" role="tab" aria-selected={view === name} onClick={() => showView(name)}>
          {VIEW_TITLES[name]}
          {counts[name] !== undefined && <span className="count">{counts[name]}</span>}
        </button>
      ))}
    </div>
  );
}
