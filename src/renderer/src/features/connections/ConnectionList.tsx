import { memo, useMemo } from 'react';
import type { ConnectionSummary } from '../../../../shared/connections';
import { api } from '../../api/control-client';
import {
  type ConnectionQuery,
  selectConnection,
  setConnectionQuery,
  useConnectionsStore,
} from '../../stores/connections-store';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { formatAge } from '../../ui/format';
import { useAction } from '../../ui/use-action';
import { useNow } from '../../ui/use-now';
import { groupByThread, isSearching, searchConnections } from './connection-search';
import { useStableRows } from './use-stable-rows';

const STATE_TONE = { open: 'ok', closing: 'warn', closed: '' } as const;

/** A row of the list in the order shown, with the thread group it is shown in (when grouping). */
export interface Entry {
  id: string;
  group: string | null;
}

/**
 * The live list of client connections, newest first, searchable and groupable by thread. While the pointer is
 * over the list the row under it stays where it is: connections that arrive above it are counted ("3 new
 * connections ↑") instead of pushing it down.
 */
export function ConnectionList({
  connections,
  selectedId,
}: {
  connections: readonly ConnectionSummary[];
  selectedId: string | null;
}) {
  const query = useConnectionsStore((state) => state.query);
  const now = useNow();
  const byId = useMemo(() => new Map(connections.map((c) => [c.id, c])), [connections]);
  const found = useMemo(() => searchConnections(connections, query), [connections, query]);
  const live = useMemo(
    (): Entry[] =>
      query.groupByThread
        ? groupByThread(found).flatMap((group) =>
            group.connections.map((c) => ({ id: c.id, group: group.threadId ?? '' })),
          )
        : found.map((c) => ({ id: c.id, group: null })),
    [found, query.groupByThread],
  );

  const anchor = useStableRows(live);
  const openCount = useMemo(() => connections.filter((c) => c.state === 'open').length, [connections]);
  const closedCount = useMemo(() => connections.filter((c) => c.state === 'closed').length, [connections]);
  const paths = useMemo(() => [...new Set(connections.map((c) => c.path))].sort(), [connections]);
  const clear = useAction(async () => {
    // Cleared, the selection is gone on purpose: no notice that the engine removed it.
    if (selectedId && byId.get(selectedId)?.state === 'closed') selectConnection(null);
    await api.clearClosedConnections();
  });

  return (
    <div className="panel connection-panel">
      <div className="panel-header">
        <h2>Connections</h2>
        <span className="badge">{openCount} open</span>
      </div>
      <ErrorNotice error={clear.error} onDismiss={clear.clearError} />
      <div className="connection-search">
        <input
          type="search"
          placeholder="Search id, path, thread, user…"
          aria-label="Search connections"
          title="Every word must match; name a field to search only there: thread:abc path:/ws state:open kind:sse user:koen"
          value={query.text}
          onChange={(event) => setConnectionQuery({ text: event.target.value })}
        />
        <div className="row">
          <select
            aria-label="Filter connections by state"
            value={query.state}
            onChange={(event) => setConnectionQuery({ state: event.target.value as ConnectionQuery['state'] })}
          >
            <option value="all">Any state</option>
            <option value="open">Open</option>
            <option value="closing">Closing</option>
            <option value="closed">Closed</option>
          </select>
          <select
            aria-label="Filter connections by kind"
            value={query.kind}
            onChange={(event) => setConnectionQuery({ kind: event.target.value as ConnectionQuery['kind'] })}
          >
            <option value="all">WS and SSE</option>
            <option value="ws">WebSocket</option>
            <option value="sse">SSE</option>
          </select>
          {paths.length > 1 && (
            <select
              aria-label="Filter connections by path"
              value={query.path}
              onChange={(event) => setConnectionQuery({ path: event.target.value })}
            >
              <option value="">Any path</option>
              {paths.map((path) => (
                <option key={path} value={path}>
                  {path}
                </option>
              ))}
            </select>
          )}
          <label className="group-toggle">
            <input
              type="checkbox"
              checked={query.groupByThread}
              onChange={(event) => setConnectionQuery({ groupByThread: event.target.checked })}
            />{' '}
            By thread
          </label>
          <span className="spacer" />
          <button
            type="button"
            className="small"
            disabled={closedCount === 0 || clear.busy}
            onClick={() => void clear.run()}
            title="Forget every closed connection, here and in the engine (frees the memory their frames take)"
          >
            Clear closed{closedCount > 0 ? ` (${closedCount})` : ''}
          </button>
        </div>
        {isSearching(query) && (
          <div className="faint" data-testid="connection-count">
            {found.length} of {connections.length} connections
          </div>
        )}
      </div>
      <div className="connection-list-frame">
        <div aria-live="polite" className="new-connections">
          {anchor.unseen > 0 && (
            <button type="button" className="small primary" onClick={anchor.showUnseen} data-testid="new-connections">
              {anchor.unseen === 1 ? '1 new connection' : `${anchor.unseen} new connections`} ↑
            </button>
          )}
        </div>
        <div
          className="connection-list"
          role="listbox"
          aria-label="Connections"
          ref={anchor.scroller}
          onPointerOver={anchor.onPointerOver}
          onPointerLeave={anchor.onPointerLeave}
          onScroll={anchor.onScroll}
        >
          {live.length === 0 && <div className="empty">No connection matches.</div>}
          {groupRuns(live).map((run) => {
            const rows = run.ids.map((id) => {
              const connection = byId.get(id);
              return connection ? (
                <ConnectionRow
                  key={id}
                  connection={connection}
                  selected={id === selectedId}
                  now={connection.state === 'closed' ? 0 : now}
                />
              ) : null;
            });
            if (run.group === null) return rows;
            const label = run.group === '' ? 'No thread yet' : run.group;
            return (
              <fieldset
                key={`group-${run.group}`}
                aria-label={`Thread ${label}`}
                className="thread-group"
                data-testid="thread-group"
              >
                <div className="thread-header" aria-hidden="true">
                  <span className="mono">{label}</span>
                  <span className="faint">{run.ids.length}</span>
                </div>
                {rows}
              </fieldset>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** Consecutive entries of the same group, in order (without grouping: one run of everything). */
function groupRuns(entries: readonly Entry[]): { group: string | null; ids: string[] }[] {
  const runs: { group: string | null; ids: string[] }[] = [];
  for (const entry of entries) {
    const last = runs.at(-1);
    if (last && last.group === entry.group) last.ids.push(entry.id);
    else runs.push({ group: entry.group, ids: [entry.id] });
  }
  return runs;
}

/** One connection; it renders again only when its summary, its selection or (open) its age changes. */
const ConnectionRow = memo(function ConnectionRow({
  connection,
  selected,
  now,
}: {
  connection: ConnectionSummary;
  selected: boolean;
  /** 0 for a closed connection, whose age no longer grows. */
  now: number;
}) {
  return (
    <button
      type="button"
      role="option"
      aria-selected={selected}
      className={`connection-item ${connection.state}`}
      onClick={() => selectConnection(connection.id)}
      data-testid={`connection-${connection.id}`}
      data-id={connection.id}
    >
      <div className="title">
        <span className={`dot ${STATE_TONE[connection.state]}`} />
        <span title={connection.id}>{connection.id.slice(0, 8)}</span>
        <span className="badge">{connection.kind}</span>
        <span className="spacer" />
        <span className={`badge ${STATE_TONE[connection.state]}`} title={connection.refusal ?? undefined}>
          {connection.refusal ? 'refused · ' : ''}
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
          {/* A raw socket (echo, feed, rules) has no AG-UI threads to wait for. */}
          {connection.threadId ?? (connection.protocol === 'agui' ? 'no thread yet' : '')}
          {connection.userId ? ` · ${connection.userId}` : ''}
        </span>
        <span className="spacer" />
        <span title="frames from the client">↑{connection.counters.framesIn}</span>
        <span title="frames to the client">↓{connection.counters.framesOut}</span>
      </div>
    </button>
  );
});
