import { useRef } from 'react';
import { selectOpenConnections, useConnectionsStore } from '../../stores/connections-store';
import { useServerStore } from '../../stores/server-store';
import { mainEndpoint, useWorldEndpoints, type WorldEndpoint } from '../../stores/world-endpoints';
import { CopyableValue } from '../../ui/CopyableValue';
import { ThemeToggle } from '../../ui/ThemeToggle';
import { TlsStatusItem } from './TlsStatusItem';
import { useGiveWay } from './use-give-way';
import { WorkspaceStatusItem } from './WorkspaceStatusItem';

const FEED_LABEL = {
  connecting: ['warn', 'Connecting…'],
  live: ['ok', 'Live'],
  reconnecting: ['warn', 'Reconnecting…'],
  unauthorized: ['danger', 'Unauthorized'],
} as const;

/**
 * Always visible, on one line: is the engine there, where to point a client, the workspace, how many sockets are
 * open. When its items do not fit, the version and the console's name give way first (the logo stands for it),
 * then the workspace's name (cut; its panel shows it whole); the addresses only last (cut, copied whole).
 */
export function StatusBar() {
  const info = useServerStore((state) => state.info);
  const feed = useServerStore((state) => state.feed);
  const dropped = useServerStore((state) => state.droppedItems);
  // A count, not the connections: the bar re-renders when it changes, not on every feed batch.
  const openSockets = useConnectionsStore((state) => selectOpenConnections(state).length);
  const [tone, label] = FEED_LABEL[feed];
  const main = mainEndpoint(useWorldEndpoints());
  const bar = useRef<HTMLDivElement>(null);
  useGiveWay(bar);
  return (
    <div className="status-bar" ref={bar}>
      <h1 className="brand">
        <img src="./favicon.svg" alt="" width={16} height={16} />
        <span className="brand-name">AG-UI Mock Console</span>
        {info && <span className="faint version">v{info.version}</span>}
      </h1>
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
          <span className="status-item address">
            {info.tls ? 'HTTPS' : 'HTTP'} <CopyableValue label="HTTP address" value={info.urls.http} compact />
          </span>
          {main?.url && (
            <span className="status-item address" title={endpointTitle(main)} data-testid="main-endpoint">
              {main.kind === 'agent' ? 'Agent' : info.tls ? 'WSS' : 'WS'}{' '}
              <CopyableValue
                label={main.kind === 'agent' ? 'Agent address' : 'WebSocket address'}
                value={main.url}
                compact
              />
            </span>
          )}
          <TlsStatusItem />
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

/** What the address shown is, on hover: the status bar has room for one. */
function endpointTitle(endpoint: WorldEndpoint): string {
  const what =
    endpoint.kind === 'agent'
      ? 'AG-UI over HTTP (POST, Server-Sent Events)'
      : endpoint.agui
        ? 'AG-UI over WebSocket'
        : `A WebSocket endpoint (${endpoint.behaviour ?? 'socket'})`;
  return `${what}: ${endpoint.name ?? endpoint.id}`;
}
