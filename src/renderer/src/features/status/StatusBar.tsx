import { useMemo } from 'react';
import { useConnectionsStore } from '../../stores/connections-store';
import { useServerStore } from '../../stores/server-store';
import { CopyableValue } from '../../ui/CopyableValue';
import { ThemeToggle } from '../../ui/ThemeToggle';
import { WorkspaceStatusItem } from './WorkspaceStatusItem';

const FEED_LABEL = {
  connecting: ['warn', 'Connecting…'],
  live: ['ok', 'Live'],
  reconnecting: ['warn', 'Reconnecting…'],
  unauthorized: ['danger', 'Unauthorized'],
} as const;

/** Always visible: is the engine there, where to point a client, how many sockets are open. */
export function StatusBar() {
  const info = useServerStore((state) => state.info);
  const feed = useServerStore((state) => state.feed);
  const dropped = useServerStore((state) => state.droppedItems);
  const byId = useConnectionsStore((state) => state.byId);
  const openSockets = useMemo(() => Object.values(byId).filter((c) => c.state === 'open').length, [byId]);
  const [tone, label] = FEED_LABEL[feed];
  return (
    <div className="status-bar">
      <span className="brand">
        <img src="./favicon.svg" alt="" width={16} height={16} />
        AG-UI Mock Console
        {info && <span className="faint">v{info.version}</span>}
      </span>
      <span className="status-item" data-testid="engine-state">
        <span className={`dot ${tone}`} />
        <strong>Engine</strong>
        <span>{label}</span>
        {dropped > 0 && (
          <span
            className="badge warn"
            title="The engine sent more than the console could read; the lists were loaded again to catch up"
          >
            {dropped} feed items skipped
          </span>
        )}
      </span>
      {info && (
        <>
          <span className="status-item">
            HTTP <CopyableValue label="HTTP address" value={info.urls.http} />
          </span>
          {info.urls.ws && (
            <span className="status-item">
              WS <CopyableValue label="WebSocket address" value={info.urls.ws} />
            </span>
          )}
          {info.packs.map((pack) => (
            <span key={pack} className="badge accent" title="A built-in pack: the backend contract this engine mocks">
              {pack}
            </span>
          ))}
          <WorkspaceStatusItem />
        </>
      )}
      <span className="status-item" data-testid="open-sockets">
        <strong>{openSockets}</strong> open socket{openSockets === 1 ? '' : 's'}
      </span>
      <span className="spacer" />
      <ThemeToggle />
    </div>
  );
}
