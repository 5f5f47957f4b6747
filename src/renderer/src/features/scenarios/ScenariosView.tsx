import { useState } from 'react';
import { useDraftsStore } from '../../stores/mount-drafts-store';
import { useScenariosStore } from '../../stores/scenarios-store';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { ListHeader } from '../../ui/ListHeader';
import { ScenarioEditor, scenarioDraftKey } from './ScenarioEditor';
import { TriggerSummary } from './TriggerSummary';

/** The scenarios the engine plays: list with triggers, JSON editor, run on a connection. */
export function ScenariosView() {
  const items = useScenariosStore((state) => state.items);
  const loaded = useScenariosStore((state) => state.loaded);
  const loadError = useScenariosStore((state) => state.loadError);
  const selectedId = useScenariosStore((state) => state.selectedId);
  // A new scenario being written before the view was left comes back with it.
  const [creating, setCreating] = useState(() => scenarioDraftKey(null) in useDraftsStore.getState().drafts);
  const selected = items.find((scenario) => scenario.id === selectedId) ?? null;
  return (
    <div className="split">
      <div className="panel">
        <ListHeader
          title="Scenarios"
          count={items.length}
          newLabel="+ New scenario"
          onNew={() => {
            setCreating(true);
            useScenariosStore.setState({ selectedId: null });
          }}
          form={() => document.querySelector('[data-testid="scenario-editor"] .code-editor')}
        />
        <ErrorNotice error={loadError} />
        {!loaded ? (
          <div className="empty">
            <span className="spinner" /> Loading scenarios…
          </div>
        ) : items.length === 0 ? (
          <div className="empty" data-testid="scenarios-empty">
            No scenarios yet. A scenario is what an AG-UI endpoint answers: triggers say which user messages, steps what
            the agent sends — add one, or record a connection's traffic as one (Record as scenario… in Connections).
          </div>
        ) : null}
        {items.length > 0 && (
          <div className="table-scroll fill">
            <table className="grid" aria-label="Scenarios" data-list="scenarios">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Triggers</th>
                </tr>
              </thead>
              <tbody>
                {items.map((scenario) => (
                  <tr
                    key={scenario.id}
                    data-list-item={scenario.id}
                    aria-selected={scenario.id === selectedId}
                    onClick={() => {
                      setCreating(false);
                      useScenariosStore.setState({ selectedId: scenario.id });
                    }}
                    title={scenario.description}
                  >
                    <td>
                      {/* The keyboard's way to the row: Tab to it, Enter or Space picks it (the click reaches the row). */}
                      <button type="button" className="row-button" aria-current={scenario.id === selectedId}>
                        {scenario.name}
                      </button>
                      <div className="faint mono small-text">{scenario.id}</div>
                    </td>
                    <td className="wrap">
                      <TriggerSummary triggers={scenario.triggers} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {selected || creating ? (
        <ScenarioEditor key={selected?.id ?? 'new'} scenario={selected} onCancel={() => setCreating(false)} />
      ) : (
        <div className="panel">
          <div className="empty">
            {items.length === 0
              ? 'Create one with + New scenario'
              : 'Pick a scenario to edit it or run it on a connection — or create one'}
            . Scenarios are data: triggers say which user messages they answer, steps say what the agent sends.
          </div>
        </div>
      )}
    </div>
  );
}
