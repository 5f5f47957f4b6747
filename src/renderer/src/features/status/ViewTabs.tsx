import { useConnectionsStore } from '../../stores/connections-store';
import { showView, useNavigationStore, VIEW_TITLES, VIEWS } from '../../stores/navigation-store';
import { useRequestsStore } from '../../stores/requests-store';
import { useServerStore } from '../../stores/server-store';
import { formatNumber } from '../../ui/format';
import { TabList } from '../../ui/TabList';
import { loggedRequests, requestCountWords } from '../requests/logged-count';
import { useLiveRequestLog } from '../requests/use-live-request-log';

/** The console's views as tabs (arrow keys move between them); the shown view is their tab panel. */
export function ViewTabs() {
  const view = useNavigationStore((state) => state.view);
  // Counts, not the lists: the tabs re-render when a count changes, not on every feed batch.
  const connectionCount = useConnectionsStore((state) => Object.keys(state.byId).length);
  const requestLogSize = useServerStore((state) => state.settings?.requestLogSize ?? null);
  // The engine's log holds more than the console lists: the tab counts the log, kept live wherever the console is.
  const loggedCount = useRequestsStore((state) => loggedRequests(state, requestLogSize));
  const listedCount = useRequestsStore((state) => state.entries.length);
  useLiveRequestLog();
  const counts: Partial<Record<(typeof VIEWS)[number], { count: number; title?: string }>> = {
    connections: { count: connectionCount },
    requests: {
      count: loggedCount,
      title: requestCountWords(null, listedCount, loggedCount) ?? `${formatNumber(loggedCount)} logged`,
    },
  };
  const tabs = VIEWS.map((name) => ({
    name,
    title: (
      <>
        {VIEW_TITLES[name]}
        {counts[name] !== undefined && (
          <span className="count" title={counts[name].title}>
            {formatNumber(counts[name].count)}
          </span>
        )}
      </>
    ),
  }));
  return (
    <nav className="nav" aria-label="Views">
      <TabList group="view" label="Views" tabs={tabs} selected={view} onSelect={showView} />
    </nav>
  );
}
