import { useId, useMemo, useState } from 'react';
import type { Scenario } from '../../../../shared/scenario';
import { ApiError } from '../../api/api-error';
import { api } from '../../api/control-client';
import { dropDraft, useDraft } from '../../stores/mount-drafts-store';
import { NEW_ITEM } from '../../stores/mount-editor-store';
import { useScenariosStore } from '../../stores/scenarios-store';
import { BlockedReason } from '../../ui/BlockedReason';
import { ChangedOutsideNotice } from '../../ui/ChangedOutsideNotice';
import { ConfirmDeleteButton } from '../../ui/ConfirmDeleteButton';
import { DiscardButton } from '../../ui/DiscardButton';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { focusableIn, listItemElement, refocusWhenLost } from '../../ui/focus-return';
import { LazyJsonEditor } from '../../ui/LazyJsonEditor';
import { jsonProblem } from '../../ui/unparsed-fields';
import { firstError, useAction } from '../../ui/use-action';
import { useOpener } from '../../ui/use-opener';
import { useParsedJson } from '../../ui/use-parsed-json';
import { RunScenarioForm } from './RunScenarioForm';
import { ScenarioSchemaHelp } from './ScenarioSchemaHelp';
import { StepPalette } from './StepPalette';
import { NEW_SCENARIO, takenIdWords, validateScenario } from './scenario-validation';

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
  /** The id a Create was refused for because a scenario has it (the notice offers to open that one). */
  const [takenId, setTakenId] = useState<string | null>(null);
  const parsed = useParsedJson(text);
  const issues = useMemo(() => (parsed.ok ? validateScenario(parsed.value) : []), [parsed]);
  const valid = parsed.ok && issues.length === 0;
  const changed = scenario === null || dirty;
  // Why Create/Save is off, in words beside it (the editor's gutter marks are not seen or read by everyone).
  const blocked = !changed ? [] : parsed.ok ? issues.map((issue) => issue.message) : [jsonProblem(text) ?? 'Not JSON'];
  const blockedId = useId();

  const save = useAction(
    async () => {
      if (!parsed.ok) return;
      setTakenId(null);
      try {
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
      } catch (error) {
        // The engine's 409 tells an API caller to PUT instead; here, the id is taken: another, or open that one.
        const id = (parsed.value as { id?: unknown } | null)?.id;
        if (!scenario && error instanceof ApiError && error.status === 409 && typeof id === 'string') {
          setTakenId(id);
          throw new Error(takenIdWords(id));
        }
        throw error;
      }
    },
    // A refusal is about the text that was saved: it goes once the draft changes.
    { about: text },
  );
  const remove = useAction(async () => {
    if (!scenario) return;
    await api.deleteScenario(scenario.id);
    dropDraft(key);
    useScenariosStore.setState({ selectedId: null });
  });
  const shownError = firstError(save, remove);
  // A new scenario's Cancel gives the focus back to its "+ New scenario".
  const opener = useOpener();
  const taken = save.error !== null && takenId !== null ? takenId : null;

  return (
    <div className="panel mount-editor" data-testid="scenario-editor">
      <div className="panel-header">
        {/* Name and id give way (cut short, whole on hover) so the buttons keep to one line with them. */}
        <div className="editor-heading">
          <h2 className="editor-title" title={scenario?.name}>
            {scenario ? scenario.name : 'New scenario'}
          </h2>
          {scenario && (
            <code className="faint editor-title" title={scenario.id}>
              {scenario.id}
            </code>
          )}
        </div>
        {saved && !dirty && <span className="badge ok">Saved</span>}
        {scenario && dirty && <DiscardButton disabled={save.busy} onDiscard={() => draft.discard()} />}
        <button
          type="button"
          className="primary"
          disabled={!valid || !changed || save.busy}
          aria-describedby={blocked.length > 0 ? blockedId : undefined}
          onClick={() => save.run()}
        >
          {save.busy ? 'Saving…' : scenario ? 'Save' : 'Create'}
        </button>
        {scenario ? (
          <ConfirmDeleteButton
            busy={remove.busy}
            onConfirm={() => remove.run()}
            item={{ list: 'scenarios', id: scenario.id }}
          />
        ) : (
          <button
            type="button"
            onClick={() => {
              draft.discard();
              onCancel();
              refocusWhenLost(opener);
            }}
          >
            Cancel
          </button>
        )}
        {/* In the header, so that it stays by the button however far the editor is scrolled. */}
        <BlockedReason id={blockedId} lead={`Cannot ${scenario ? 'save' : 'create'} yet`} problems={blocked} />
      </div>
      <div className="panel-body stack">
        {draft.changedOutside && <ChangedOutsideNotice what="scenario" onReload={draft.discard} />}
        <ErrorNotice {...shownError}>
          {taken !== null && (
            // The new scenario's draft is kept: back to it with "+ New scenario".
            <button
              type="button"
              className="small"
              onClick={() => {
                useScenariosStore.setState({ selectedId: taken });
                // This editor gives way to that one's: the focus goes to its row in the list.
                refocusWhenLost(() => focusableIn(listItemElement('scenarios', taken)));
              }}
            >
              Open {taken}
            </button>
          )}
        </ErrorNotice>
        {scenario && <RunScenarioForm scenarioId={scenario.id} />}
        <StepPalette text={text} onChange={setText} />
        <ScenarioSchemaHelp />
        <LazyJsonEditor
          value={text}
          onChange={setText}
          validate={validateScenario}
          onSubmit={() => valid && changed && void save.run()}
          label="Scenario JSON"
          tall
        />
      </div>
    </div>
  );
}
