import { AccessScreen } from './features/auth/AccessScreen';
import { ConnectionsView } from './features/connections/ConnectionsView';
import { RequestsView } from './features/requests/RequestsView';
import { RoutesView } from './features/routes/RoutesView';
import { ScenariosView } from './features/scenarios/ScenariosView';
import { SettingsView } from './features/settings/SettingsView';
import { StateView } from './features/state/StateView';
import { FeedBanner } from './features/status/FeedBanner';
import { StatusBar } from './features/status/StatusBar';
import { ViewTabs } from './features/status/ViewTabs';
import { TryItView } from './features/try-it/TryItView';
import { useNavigationStore } from './stores/navigation-store';
import { useServerStore } from './stores/server-store';
import { panelId, tabId } from './ui/TabList';

/** The shell: status bar and banner, the view tabs, and the shown view as their tab panel. */
export function App() {
  const access = useServerStore((state) => state.access);
  const view = useNavigationStore((state) => state.view);
  if (access !== 'ready') return <AccessScreen />;
  return (
    <div className="app">
      <header>
        <StatusBar />
        <FeedBanner />
      </header>
      <ViewTabs />
      <main className="view">
        <div className="view-panel" role="tabpanel" id={panelId('view', view)} aria-labelledby={tabId('view', view)}>
          {view === 'connections' && <ConnectionsView />}
          {view === 'requests' && <RequestsView />}
          {view === 'routes' && <RoutesView />}
          {view === 'state' && <StateView />}
          {view === 'scenarios' && <ScenariosView />}
          {view === 'try-it' && <TryItView />}
          {view === 'settings' && <SettingsView />}
        </div>
      </main>
    </div>
  );
}
