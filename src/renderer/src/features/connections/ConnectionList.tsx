import type { ConnectionSummary } from '../../../../shared/connections';
import { selectConnection } from '../../stores/connections-store';
import { formatAge } from '../../ui/format';
import { useNow } from '../../ui/use-now';

const STATE_TONE = { open: 'ok', closing: 'warn', closed: '' } as const;

/** The live list of client connections, newest first; picking one shows its frames. */
export function ConnectionList({
  connections,
  selectedId,
}: {
  connections: readonly ConnectionSummary[];
  selectedId: string | null;
}) {
  const now = useNow();
  return (
    <div className="panel">
      <div className="panel-header">
        <h2>Connections</h2>
        <span className="badge">{connections.filter((c) => c.state === 'open').length} open</span>
      </div>
      <div className="connection-list" role="listbox" aria-label="Connections">
        {connections.map((connection) => (
          <button
            type="button"
            role="option"
            key={connection.id}
            aria-selected={connection.id === selectedId}
            className={`connection-item ${connection.state}`}
            onClick={() => selectConnection(connection.id)}
            data-testid={`connection-${connection.id}`}
          >
            <div className="title">
              <span className={`dot ${STATE_TONE[connection.state]}`} />
              <span title={connection.id}>{connection.id.slice(0, 8)}</span>
              <span className="badge">{connection.kind}</span>
              <span className="spacer" />
              <span className={`badge ${STATE_TONE[connection.state]}`}>
                {connection.state === 'closed' && connection.closeCode !== null
                  ? `closed ${connection.closeCode}`
                  : connection.state}
              </span>
            </div>
            <div className="line">
              <span className="mono">{connection.path}</span>
              <span>·</span>
              <span>{connection.remoteAddress}</span>
              <span className="spacer" />
              <span title="age">{formatAge(connection.openedAt, connection.closedAt ?? now)}</span>
            </div>
            <div className="line">
              <span className="mono" title="thread / user">
                {connection.threadId ?? 'no thread yet'}
                {connection.userId ? ` · ${connection.userId}` : ''}
              </span>
              <span className="spacer" />
              <span title="frames from the client">↑{connection.counters.framesIn}</span>
              <span title="frames to the client">↓{connection.counters.framesOut}</span>
            </div>
          </button>
        ))}
      </div>
    </div>
  );
}
