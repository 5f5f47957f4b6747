import { useState } from 'react';
import type { Scenario } from '../../../../shared/scenario';
import { api } from '../../api/control-client';
import { dropDraft, useDraft } from '../../stores/mount-drafts-store';
import { NEW_ITEM } from '../../stores/mount-editor-store';
import { useScenariosStore } from '../../stores/scenarios-store';
import { ChangedOutsideNotice } from '../../ui/ChangedOutsideNotice';
import { ConfirmDeleteButton } from '../../ui/ConfirmDeleteButton';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { LazyJsonEditor } from '../../ui/LazyJsonEditor';
import { firstError, useAction } from '../../ui/use-action';
import { useParsedJson } from '../../ui/use-parsed-json';
import { RunScenarioForm } from './RunScenarioForm';
import { ScenarioSchemaHelp } from './ScenarioSchemaHelp';
import { StepPalette } from './StepPalette';
import { NEW_SCENARIO, validateScenario } from './scenario-validation';

/** The drafts store's key of a scenario's unsaved text (`null`: the new one). */
export const scenarioDraftKey = (id: string | null) => `scenarios:${id ?? NEW_ITEM}`;

/** A scenario as the editor shows it; a draft that differs from it is an unsaved edit. */
const scenarioText = (scenario: unknown) => JSON.stringify(scenario, null, 2);

/**
 * A scenario as JSON, checked against the scenario schema as you type; save, delete, run. `null` creates one (the
 * example as it stands may be created as it is; `onCancel` leaves without creating). The text is a draft in the
 * drafts store, so it outlives a switch to another view until it is saved, discarded or cancelled.
 */
export function ScenarioEditor({ scenario, onCancel }: { scenario: Scenario | null; onCancel(): void }) {
  const key = scenarioDraftKey(scenario?.id ?? null);
  // A new scenario's draft is all there is of it: kept even while it is still the example.
  const draft = useDraft(key, scenarioText(scenario ?? NEW_SCENARIO), { keep: !scenario });
  const { text, setText, dirty } = draft;
  const [saved, setSaved] = useState(false);
  const parsed = useParsedJson(text);
  const valid = parsed.ok && validateScenario(parsed.value).length === 0;

  const save = useAction(async () => {
    if (!parsed.ok) return;
    const stored = scenario
      ? await api.updateScenario(scenario.id, parsed.value)
      : await api.createScenario(parsed.value);
    // The list shows the saved scenario at once (the feed's reload follows), so the draft can go.
    useScenariosStore.setState(({ items }) => ({
      items: items.some((item) => item.id === stored.id)
        ? items.map((item) => (item.id === stored.id ? stored : item))
        : [...items, stored],
      selectedId: stored.id,
    }));
    dropDraft(key);
    setSaved(true);
  });
  const remove = useAction(async () => {
    if (!scenario) return;
    await api.deleteScenario(scenario.id);
    dropDraft(key);
    useScenariosStore.setState({ selectedId: null });
  });

  return (
    <div className="panel" data-testid="scenario-editor">
      <div className="panel-header">
        <h2>{scenario ? scenario.name : 'New scenario'}</h2>
        {scenario && <code className="faint">{scenario.id}</code>}
        <span className="spacer" />
        {saved && !dirty && <span className="badge ok">Saved</span>}
        {scenario && dirty && (
          <button type="button" disabled={save.busy} onClick={draft.discard}>
            Discard
          </button>
        )}
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
          <button
            type="button"
            onClick={() => {
              draft.discard();
              onCancel();
            }}
          >
            Cancel
          </button>
        )}
      </div>
      <div className="panel-body stack">
        {draft.changedOutside && <ChangedOutsideNotice what="scenario" onReload={draft.discard} />}
        <ErrorNotice {...firstError(save, remove)} />
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
