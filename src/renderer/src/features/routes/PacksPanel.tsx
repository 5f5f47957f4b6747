import { useMountsStore } from '../../stores/mounts-store';
import { useServerStore } from '../../stores/server-store';

/** The built-in packs: which there are, which serve in this workspace (after its own mounts), and what they bring. */
export function PacksPanel() {
  const packs = useMountsStore((state) => state.packs);
  const sockets = useServerStore((state) => state.info?.endpoints.sockets ?? []);
  if (!packs)
    return (
      <div className="panel">
        <div className="empty">
          <span className="spinner" /> Loading packs…
        </div>
      </div>
    );
  return (
    <div className="panel" data-testid="packs-panel">
      <div className="panel-header">
        <h2>Packs</h2>
        <span className="badge">{packs.items.filter((pack) => pack.enabled).length} serving</span>
      </div>
      <div className="panel-body stack">
        <p className="muted">
          A pack is a backend contract the engine knows, with its data kept in the workspace. Packs answer after the
          workspace's own routes, collections, folders and agents: a route of yours on the same path wins.
        </p>
        <div className="table-scroll">
          <table className="grid" aria-label="Packs">
            <thead>
              <tr>
                <th>Pack</th>
                <th>What it serves</th>
                <th>In this workspace</th>
                <th>WebSocket endpoints</th>
              </tr>
            </thead>
            <tbody>
              {packs.available.map((available) => {
                const listed = packs.items.find((pack) => pack.pack === available.name);
                const endpoints = sockets.filter((socket) => socket.pack === available.name);
                return (
                  <tr key={available.name}>
                    <td className="mono">{available.name}</td>
                    <td className="wrap">{available.title}</td>
                    <td>
                      {listed?.enabled ? (
                        <span className="badge ok">serving</span>
                      ) : listed ? (
                        <span className="badge warn">off (data kept)</span>
                      ) : (
                        <span className="badge">not added</span>
                      )}
                    </td>
                    <td className="mono">{endpoints.map((socket) => socket.path).join(', ') || '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p className="field-hint">
          Switching packs on and off is not in the console yet: change <code>packs</code> in the workspace file, or{' '}
          <code>PUT /__console/api/packs</code>.
        </p>
      </div>
    </div>
  );
}
