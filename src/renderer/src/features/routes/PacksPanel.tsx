import type { PacksInfo } from '../../../../shared/control-api';
import { api } from '../../api/control-client';
import { useMountsStore } from '../../stores/mounts-store';
import { useServerStore } from '../../stores/server-store';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { useAction } from '../../ui/use-action';

/**
 * The built-in packs: which there are, which serve in this workspace (after its own mounts), and what they bring.
 * A pack can be added beside the others (from its seed data), switched off (its data kept), or — a variant of one
 * the workspace has (agora-mock ↔ agora-real) — put in its place with its users and sessions, after a confirmation.
 */
export function PacksPanel() {
  const packs = useMountsStore((state) => state.packs);
  const sockets = useServerStore((state) => state.info?.endpoints.sockets ?? []);
  // A pack switched off keeps its data; one added starts from its seed (the feed brings the new state).
  const save = useAction(async (items: PacksInfo['items']) => {
    // Shown at once (a checkbox that waits for the engine looks broken); the engine's answer replaces it.
    const before = useMountsStore.getState().packs;
    if (before) useMountsStore.setState({ packs: { ...before, items } });
    try {
      useMountsStore.setState({ packs: await api.putPacks(items) });
    } catch (error) {
      useMountsStore.setState({ packs: before });
      throw error;
    }
  });
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
                const variantOf = packs.items.find((pack) => available.sharesDataWith.includes(pack.pack))?.pack;
                return (
                  <tr key={available.name}>
                    <td className="mono">{available.name}</td>
                    <td className="wrap">{available.title}</td>
                    <td className="wrap">
                      {listed ? (
                        <label className="field inline">
                          <input
                            type="checkbox"
                            checked={listed.enabled}
                            disabled={save.busy}
                            onChange={(event) =>
                              save.run(
                                packs.items.map((pack) => {
                                  if (pack.pack === available.name) return { ...pack, enabled: event.target.checked };
                                  // One variant of a contract serves at a time: the other would never be reached.
                                  return event.target.checked && available.sharesDataWith.includes(pack.pack)
                                    ? { ...pack, enabled: false }
                                    : pack;
                                }),
                              )
                            }
                          />
                          {listed.enabled ? 'serving' : 'off (data kept)'}
                        </label>
                      ) : (
                        <span className="row">
                          {variantOf && (
                            <ConfirmButton
                              label={`Switch from ${variantOf}…`}
                              tone="plain"
                              small
                              question={`Switch from ${variantOf} to ${available.name}? Users and sessions are kept; the REST contract changes for every client.`}
                              confirmLabel="Switch"
                              confirmTone="primary"
                              busy={save.busy}
                              onConfirm={() =>
                                save.run(
                                  packs.items.map((pack) =>
                                    pack.pack === variantOf ? { pack: available.name, enabled: true } : pack,
                                  ),
                                )
                              }
                              // Switched in, the pack's row shows its "serving" checkbox.
                              focusAfter={(question) => {
                                const row = question?.closest('tr');
                                return () => row?.querySelector<HTMLElement>('input[type="checkbox"]') ?? null;
                              }}
                            />
                          )}
                          <button
                            type="button"
                            className="small"
                            disabled={save.busy}
                            // Beside a variant that serves, it comes in switched off (its own seed data), to be
                            // switched on in its place.
                            onClick={() =>
                              save.run([
                                ...packs.items,
                                {
                                  pack: available.name,
                                  enabled: !packs.items.some(
                                    (pack) => pack.enabled && available.sharesDataWith.includes(pack.pack),
                                  ),
                                },
                              ])
                            }
                          >
                            Add {available.name}
                          </button>
                        </span>
                      )}
                    </td>
                    <td className="mono">{endpoints.map((socket) => socket.path).join(', ') || '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <ErrorNotice error={save.error} onDismiss={save.clearError} />
        <p className="field-hint">
          A pack switched off keeps its data in the workspace and serves nothing; one added starts from its seed data; a
          variant switched in takes over the users and sessions of the pack it replaces.
        </p>
      </div>
    </div>
  );
}
