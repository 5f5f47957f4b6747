import { useMemo } from 'react';
import { useConnectionsStore } from '../../stores/connections-store';
import { showView, useNavigationStore, VIEW_TITLES, VIEWS } from '../../stores/navigation-store';
import { useRequestsStore } from '../../stores/requests-store';
import { formatNumber } from '../../ui/format';
import { TabList } from '../../ui/TabList';

/** The console's views as tabs (arrow keys move between them); the shown view is their tab panel. */
export function ViewTabs() {
  const view = useNavigationStore((state) => state.view);
  const byId = useConnectionsStore((state) => state.byId);
  const requestCount = useRequestsStore((state) => state.entries.length);
  const connectionCount = useMemo(() => Object.keys(byId).length, [byId]);
  const counts: Partial<Record<(typeof VIEWS)[number], number>> = {
    connections: connectionCount,
    requests: requestCount,
  };
  const tabs = VIEWS.map((name) => ({
    name,
    title: (
      <>
        {VIEW_TITLES[name]}
        {counts[name] !== undefined && <span className="count">{formatNumber(counts[name])}</span>}
      </>
    ),
  }));
  return (
    <nav className="nav" aria-label="Views">
      <TabList group="view" label="Views" tabs={tabs} selected={view} onSelect={showView} />
    </nav>
  );
}
