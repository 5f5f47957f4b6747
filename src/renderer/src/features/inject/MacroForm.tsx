import { useId, useMemo, useState } from 'react';
import type { ConnectionSummary } from '../../../../shared/connections';
import type { InjectConflict, InjectResult, SequenceFinding } from '../../../../shared/control-api';
import { counted } from '../../../../shared/counted-words';
import type { JsonObject } from '../../../../shared/json-value';
import { ApiError, errorMessage } from '../../api/api-error';
import { api } from '../../api/control-client';
import { updateInjectDraft, useInjectDraft } from '../../stores/inject-drafts-store';
import { rememberSent } from '../../stores/payloads-store';
import { BlockedReason } from '../../ui/BlockedReason';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { FormField } from '../../ui/FormField';
import { ScrollRegion } from '../../ui/ScrollRegion';
import { SendKeyHint } from '../../ui/SendKeyHint';
import { submitOnSendKey } from '../../ui/send-key';
import { notOpenProblems, notOpenWords } from '../connections/not-open-words';
import { conflictInConsoleWords } from './conflict-words';
import { FindingsList } from './FindingsList';
import { type MacroDefinition, macroFieldProblems, macroParams, macroProblemLines } from './macro-fields';
import { PayloadShelf } from './PayloadShelf';
import { describeContent, type PayloadContent } from './payload-bodies';
import { heldWords } from './sent-words';

const MACRO_KINDS = ['macro'] as const;

/** The form's values as first shown. */
function initialValues(definition: MacroDefinition): Record<string, string> {
  return Object.fromEntries(definition.fields.map((field) => [field.key, field.initial]));
}

/**
 * One macro's small form: fill in, run; a rule it would break is shown with "Run anyway". The values are the
 * connection's draft; the form's parameters can be saved, and saved or recent ones loaded (`onLoad`).
 */
export function MacroForm({
  definition,
  connection,
  onLoad,
}: {
  definition: MacroDefinition;
  connection: ConnectionSummary;
  onLoad(content: PayloadContent): void;
}) {
  const connectionId = connection.id;
  const draft = useInjectDraft(connectionId);
  const values = draft.macroValues[definition.name] ?? initialValues(definition);
  const setValues = (next: Record<string, string>) => {
    const initial = initialValues(definition);
    const unchanged = definition.fields.every((field) => next[field.key] === initial[field.key]);
    const macroValues = { ...draft.macroValues };
    if (unchanged) delete macroValues[definition.name];
    else macroValues[definition.name] = next;
    updateInjectDraft(connectionId, { macroValues });
  };
  /** The form as a saved payload's content, or why it cannot be one yet. */
  const content = (): PayloadContent | { problem: string } => {
    const built = macroParams(definition, values);
    if ('problem' in built) {
      const label = definition.fields.find((field) => field.key === built.field)?.label ?? built.field;
      return { problem: `${label}: ${built.problem}` };
    }
    return { kind: 'macro', body: { macro: definition.name, params: built.params as JsonObject } };
  };
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [findings, setFindings] = useState<SequenceFinding[]>([]);
  const [sent, setSent] = useState<Pick<InjectResult, 'sent' | 'held'> | null>(null);
  // What the last run was answered is about the values it ran with: changed (typed, loaded), the answer goes, so
  // "Run anyway" never sends values no rule check saw.
  const valuesKey = JSON.stringify(values);
  const [answeredFor, setAnsweredFor] = useState(valuesKey);
  if (answeredFor !== valuesKey) {
    setAnsweredFor(valuesKey);
    setError(null);
    setFindings([]);
    setSent(null);
  }

  // Checked as the person types: each field says what is wrong with it, and Run says why it is off — first that the
  // connection is closed, which no edit changes (the engine would answer 409).
  const problems = useMemo(() => macroFieldProblems(definition, values), [definition, values]);
  const notOpen = notOpenWords(connection);
  const blocked = [...notOpenProblems(connection), ...macroProblemLines(definition, problems)];
  const formId = useId();
  const blockedId = `${formId}-blocked`;
  // A closed connection has no sequence left to break: a refused run's warning (and Run anyway) would say what can no
  // longer happen, so it goes, as in the Event tab; a forced run's "Sent anyway, breaking" is what did happen, and stays.
  const shownFindings = sent === null && notOpen !== null ? [] : findings;
  // So does a refused run's "use Run anyway": Run is off while the connection is not open, the reason beside it.
  const shownError = notOpen === null ? error : null;

  const run = async (force: boolean) => {
    // Off while running, but still focusable: the focus stays on the button pressed (Enter on Run macro).
    if (busy) return;
    setError(null);
    setSent(null);
    const built = macroParams(definition, values);
    if ('problem' in built || blocked.length > 0) return;
    setBusy(true);
    try {
      const result = await api.runMacro(connectionId, definition.name, { ...built.params, force });
      setSent(result);
      setFindings(result.findings);
      rememberSent({ kind: 'macro', body: { macro: definition.name, params: built.params as JsonObject } });
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409) {
        setFindings((caught.body as InjectConflict).findings ?? []);
        setError(`Not sent: ${conflictInConsoleWords(caught.message, 'Run anyway')}`);
      } else setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack fill-column" data-testid={`macro-${definition.name}`}>
      <div>
        <h2>{definition.title}</h2>
        <div className="field-hint">{definition.description}</div>
      </div>
      {/* Outside the macro's form: the shelf has forms of its own. */}
      <PayloadShelf
        accepts={MACRO_KINDS}
        recentKind="macro"
        current={content}
        suggestName={() => {
          const built = content();
          return 'problem' in built ? definition.title : describeContent(built);
        }}
        onLoad={onLoad}
      />
      <form
        className="stack fill-column"
        onKeyDown={submitOnSendKey}
        onSubmit={(event) => {
          event.preventDefault();
          void run(false);
        }}
      >
        {/* The fields scroll in their own box: what the run said and Run stay in sight under them. */}
        <div className="stack macro-fields">
          {definition.fields.map((field) => {
            const problem = problems[field.key];
            const change = (value: string) => setValues({ ...values, [field.key]: value });
            return (
              <FormField
                key={field.key}
                label={field.label}
                hint={field.hint}
                problem={problem === undefined ? undefined : `${field.label}: ${problem}`}
              >
                {(control) =>
                  field.kind === 'select' ? (
                    <select {...control} value={values[field.key]} onChange={(event) => change(event.target.value)}>
                      {field.options?.map((option) => (
                        <option key={option}>{option}</option>
                      ))}
                    </select>
                  ) : field.kind === 'textarea' || field.kind === 'json' ? (
                    <textarea
                      {...control}
                      rows={field.kind === 'json' ? 3 : 2}
                      value={values[field.key]}
                      onChange={(event) => change(event.target.value)}
                    />
                  ) : (
                    <input
                      {...control}
                      type={field.kind === 'number' ? 'number' : 'text'}
                      value={values[field.key]}
                      onChange={(event) => change(event.target.value)}
                    />
                  )
                }
              </FormField>
            );
          })}
        </div>
        <ScrollRegion label="What the run said" className="composer-notices">
          {/* What the run did, sent or refused, comes first, above the rules it broke (as in the Event tab). */}
          <ErrorNotice error={shownError} onDismiss={() => setError(null)} />
          {sent !== null && (
            <div className="notice success" role="status">
              Sent {counted(sent.sent, 'event')}.{heldWords([sent], false)}
            </div>
          )}
          <FindingsList
            findings={shownFindings}
            title={sent === null ? 'This would break a sequence rule:' : 'Sent anyway, breaking:'}
          />
          {notOpen !== null && <div className="faint">No sequence rule is checked: {notOpen}.</div>}
        </ScrollRegion>
        <div className="row">
          <button
            type="submit"
            className="primary"
            disabled={blocked.length > 0}
            aria-disabled={busy || undefined}
            aria-describedby={blocked.length > 0 ? blockedId : undefined}
          >
            {busy ? 'Running…' : 'Run macro'}
          </button>
          {shownFindings.length > 0 && sent === null && (
            <button
              type="button"
              className="danger"
              disabled={blocked.length > 0}
              aria-disabled={busy || undefined}
              aria-describedby={blocked.length > 0 ? blockedId : undefined}
              onClick={() => run(true)}
            >
              Run anyway
            </button>
          )}
          <SendKeyHint />
          <BlockedReason id={blockedId} lead={notOpen === null ? 'Cannot run yet' : 'Cannot run'} problems={blocked} />
        </div>
      </form>
    </div>
  );
}
