import { useState } from 'react';
import type { Scenario } from '../../../../shared/scenario';
import { api } from '../../api/control-client';
import { useScenariosStore } from '../../stores/scenarios-store';
import { ConfirmDeleteButton } from '../../ui/ConfirmDeleteButton';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { LazyJsonEditor } from '../../ui/LazyJsonEditor';
import { useAction } from '../../ui/use-action';
import { useParsedJson } from '../../ui/use-parsed-json';
import { RunScenarioForm } from './RunScenarioForm';
import { ScenarioSchemaHelp } from './ScenarioSchemaHelp';
import { StepPalette } from './StepPalette';
import { NEW_SCENARIO, validateScenario } from './scenario-validation';

/**
 * A scenario as JSON, checked against the scenario schema as you type; save, delete, run. `null` creates one (the
 * example as it stands may be created as it is; `onCancel` leaves without creating).
 */
export function ScenarioEditor({ scenario, onCancel }: { scenario: Scenario | null; onCancel(): void }) {
  const [text, setText] = useState(() => JSON.stringify(scenario ?? NEW_SCENARIO, null, 2));
  const [saved, setSaved] = useState(false);
  const parsed = useParsedJson(text);
  const valid = parsed.ok && validateScenario(parsed.value).length === 0;
  const dirty = text !== JSON.stringify(scenario ?? NEW_SCENARIO, null, 2);

  const save = useAction(async () => {
    if (!parsed.ok) return;
    const stored = scenario
      ? await api.updateScenario(scenario.id, parsed.value)
      : await api.createScenario(parsed.value);
    useScenariosStore.setState({ selectedId: stored.id });
    setText(JSON.stringify(stored, null, 2));
    setSaved(true);
  });
  const remove = useAction(async () => {
    if (!scenario) return;
    await api.deleteScenario(scenario.id);
    useScenariosStore.setState({ selectedId: null });
  });

  return (
    <div className="panel" data-testid="scenario-editor">
      <div className="panel-header">
        <h2>{scenario ? scenario.name : 'New scenario'}</h2>
        {scenario && <code className="faint">{scenario.id}</code>}
        <span className="spacer" />
        {saved && !dirty && <span className="badge ok">Saved</span>}
        <button
          type="button"
          className="primary"
          disabled={!valid || (scenario !== null && !dirty) || save.busy}
          onClick={() => save.run()}
        >
          {save.busy ? 'Saving…' : scenario ? 'Save' : 'Create'}
        </button>
        {scenario ? (
          <ConfirmDeleteButton busy={remove.busy} onConfirm={() => remove.run()} />
        ) : (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      <div className="panel-body stack">
        <ErrorNotice
          error={save.error ?? remove.error}
          onDismiss={() => {
            save.clearError();
            remove.clearError();
          }}
        />
        {scenario && <RunScenarioForm scenarioId={scenario.id} />}
        <StepPalette text={text} onChange={setText} />
        <ScenarioSchemaHelp />
        <LazyJsonEditor
          value={text}
          onChange={setText}
          validate={validateScenario}
          onSubmit={() => valid && void save.run()}
          label="Scenario JSON"
          tall
        />
      </div>
    </div>
  );
}
