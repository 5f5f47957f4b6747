import { memo, useState } from 'react';
import { api } from '../../api/control-client';
import {
  type OpenConnection,
  selectConnection,
  selectOpenConnections,
  useConnectionsStore,
} from '../../stores/connections-store';
import { showView } from '../../stores/navigation-store';
import { useServerStore } from '../../stores/server-store';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { formatClock } from '../../ui/format';
import { useAction } from '../../ui/use-action';
import { SPEED_HINT, speedLabel } from '../settings/speed-words';

/** Values of the speed setting, which multiplies delays: smaller is faster. */
const SPEEDS = [2, 1, 0.5, 0.25, 0];

/** A connection as the result line names it: its short id, path and thread. */
function connectionLabel(connection: OpenConnection): string {
  return [connection.id.slice(0, 8), connection.path, connection.threadId].filter(Boolean).join(' · ');
}

/**
 * Plays a scenario on an open connection of the person's choosing. Memoised: the editor around it renders on every
 * keystroke, and the picker may hold a thousand connections.
 */
export const RunScenarioForm = memo(function RunScenarioForm({ scenarioId }: { scenarioId: string }) {
  const open = useConnectionsStore(selectOpenConnections);
  const [chosen, setChosen] = useState('');
  const target = open.find((c) => c.id === chosen)?.id ?? open[0]?.id ?? '';
  /** The last run started from here: on which connection, and when (each run says so anew). */
  const [started, setStarted] = useState<{ connectionId: string; label: string; at: number } | null>(null);
  const speed = useServerStore((state) => state.settings?.speed ?? 1);
  const changeSpeed = useAction(async (next: number) => {
    useServerStore.setState({ settings: await api.patchSettings({ speed: next }) });
  });
  const run = useAction(async () => {
    setStarted(null);
    const connection = open.find((c) => c.id === target);
    await api.runScenario(scenarioId, target);
    setStarted({ connectionId: target, label: connection ? connectionLabel(connection) : target, at: Date.now() });
  });
  return (
    <div className="stack">
      <div className="row">
        <label className="field inline run-target">
          Run on
          <select aria-label="Run on connection" value={target} onChange={(event) => setChosen(event.target.value)}>
            {open.length === 0 && <option value="">no open connection</option>}
            {open.map((connection) => (
              <option key={connection.id} value={connection.id}>
                {connection.id} · {connection.path} {connection.threadId ? `· ${connection.threadId}` : ''}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="primary" disabled={!target || run.busy} onClick={() => run.run()}>
          {run.busy ? 'Starting…' : '▶ Run'}
        </button>
        {/* The engine's setting, not this replay's: its label says so, not only its hover title. */}
        <label className="field inline">
          Speed of every run
          <select
            aria-label="Speed of every run (the engine's setting)"
            value={String(speed)}
            disabled={changeSpeed.busy}
            onChange={(event) => changeSpeed.run(Number(event.target.value))}
            title={`The engine's speed setting, for every scenario. ${SPEED_HINT}`}
          >
            {[...(SPEEDS.includes(speed) ? [] : [speed]), ...SPEEDS].map((value) => (
              <option key={value} value={String(value)}>
                {speedLabel(value)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {/* Said here, where Run was pressed: the run itself is seen on the connection. */}
      {started && (
        <div className="notice success row" role="status" data-testid="run-result">
          <span className="spacer">
            Started on {started.label} at {formatClock(started.at).slice(0, 8)} — see Connections
          </span>
          <button
            type="button"
            className="small"
            onClick={() => {
              selectConnection(started.connectionId);
              showView('connections', () => document.querySelector('[role="listbox"][aria-label="Connections"]'));
            }}
          >
            Show in Connections
          </button>
        </div>
      )}
      <ErrorNotice error={changeSpeed.error} onDismiss={changeSpeed.clearError} />
      {open.length === 0 && (
        <span className="field-hint">
          Connect a client first (or send a prompt in Try it), then run the scenario on it.
        </span>
      )}
      <ErrorNotice error={run.error} onDismiss={run.clearError} />
    </div>
  );
});
