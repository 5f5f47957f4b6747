import { useEffect, useRef, useState } from 'react';
import type { RecordingPreview } from '../../../../shared/recording';
import type { ScenarioTrigger } from '../../../../shared/scenario';
import { shortenText } from '../../../../shared/shorten-text';
import { errorMessage } from '../../api/api-error';
import { api } from '../../api/control-client';
import { showView } from '../../stores/navigation-store';
import { useScenariosStore } from '../../stores/scenarios-store';
import { useAgoraServes } from '../../stores/world-endpoints';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { focusLost } from '../../ui/focus-return';
import { formatDuration } from '../../ui/format';
import { useAction } from '../../ui/use-action';

type Match = 'substring' | 'regex';

/** The prompt quoted in the summary, at most: a longer one would push the dialog's heading and Record out of sight. */
const QUOTE_MAX = 200;

/**
 * Asks what a recording of the connection's first run should be: its name, and whether it answers messages (and
 * which) or is only stored — the default, which leaves every answer the mock gives as it was.
 */
export function RecordScenarioDialog({ connectionId, onClose }: { connectionId: string; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const nameField = useRef<HTMLInputElement>(null);
  const [preview, setPreview] = useState<RecordingPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [activate, setActivate] = useState(false);
  const [match, setMatch] = useState<Match>('substring');
  const [triggerText, setTriggerText] = useState('');
  const [priority, setPriority] = useState('10');
  const agora = useAgoraServes();

  useEffect(() => {
    // Removed rather than closed, the dialog would leave the focus on the page: it goes back to what opened it.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.current?.showModal();
    let stale = false;
    api.recordingPreview(connectionId).then(
      (answer) => {
        if (stale) return;
        setPreview(answer);
        setName(answer.name);
        if (answer.suggestedTrigger.match === 'substring') setTriggerText(answer.suggestedTrigger.value);
        setPriority(String(answer.suggestedTrigger.priority ?? 0));
      },
      (caught) => !stale && setPreviewError(errorMessage(caught)),
    );
    return () => {
      stale = true;
      if (opener?.isConnected && focusLost()) opener.focus();
    };
  }, [connectionId]);

  // Opened, only Cancel can take the focus (Record waits for the preview); the name, drawn with it, is what to set.
  useEffect(() => {
    if (preview) nameField.current?.focus();
  }, [preview]);

  const priorityValue = Number(priority);
  const triggerProblem = !activate
    ? null
    : triggerText.trim() === ''
      ? 'Say which messages it answers.'
      : !Number.isInteger(priorityValue)
        ? 'The priority is a whole number.'
        : null;
  const trigger = (): ScenarioTrigger =>
    match === 'substring'
      ? { match, value: triggerText.trim(), priority: priorityValue }
      : { match, pattern: triggerText.trim(), priority: priorityValue };

  const record = useAction(async () => {
    const { scenario } = await api.recordConnection(connectionId, {
      name: name.trim() || undefined,
      activate,
      ...(activate && { trigger: trigger() }),
    });
    useScenariosStore.setState({ selectedId: scenario.id });
    onClose();
    showView('scenarios');
  });

  return (
    <dialog
      ref={dialog}
      className="record-dialog"
      aria-labelledby="record-dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onKeyDown={(event) => {
        // Esc closes this dialog only, not the panels behind it.
        if (event.key === 'Escape') event.stopPropagation();
      }}
    >
      <form
        className="stack"
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          if (preview && !triggerProblem) void record.run();
        }}
      >
        <h2 id="record-dialog-title">Record as scenario</h2>
        {!preview && !previewError && (
          <div className="muted">
            <span className="spinner" /> Reading the connection's first run…
          </div>
        )}
        <ErrorNotice error={previewError} />
        {preview && (
          <>
            <p className="record-summary" data-testid="recording-summary">
              The first run asked on this connection, “{shortenText(preview.userMessage, QUOTE_MAX)}”: {preview.events}{' '}
              events over {formatDuration(preview.durationMs)}
              {preview.contextSteps > 0 &&
                `, setting the conversation context ${preview.contextSteps === 1 ? 'once' : `${preview.contextSteps} times`}`}
              .{preview.laterRuns === 1 && ' The run after it is not part of it.'}
              {preview.laterRuns > 1 && ` The ${preview.laterRuns} runs after it are not part of it.`}
            </p>
            {preview.warnings.map((warning) => (
              <div key={warning} className="notice warning">
                {warning}
              </div>
            ))}
            <label className="field">
              Name
              {/* Left empty, the engine names it: the placeholder shows that name. */}
              <input
                ref={nameField}
                value={name}
                placeholder={preview.name}
                maxLength={200}
                onChange={(event) => setName(event.target.value)}
              />
            </label>
            <label className="field inline">
              <input type="checkbox" checked={activate} onChange={(event) => setActivate(event.target.checked)} />
              Answer messages with it
            </label>
            {activate ? (
              <fieldset className="stack record-trigger">
                <legend>Trigger: the messages it answers</legend>
                <div className="row">
                  <select
                    aria-label="Trigger match"
                    value={match}
                    onChange={(event) => setMatch(event.target.value as Match)}
                  >
                    <option value="substring">Message contains</option>
                    <option value="regex">Message matches (RE2 regex)</option>
                  </select>
                  <input
                    className="spacer"
                    aria-label="Trigger text"
                    value={triggerText}
                    aria-invalid={triggerText.trim() === ''}
                    onChange={(event) => setTriggerText(event.target.value)}
                  />
                </div>
                <label className="field inline">
                  Priority
                  <input
                    type="number"
                    step={1}
                    value={priority}
                    style={{ width: 80 }}
                    onChange={(event) => setPriority(event.target.value)}
                  />
                  <span className="field-hint">
                    higher wins when several triggers match
                    {agora && ": the AGORA pack's scenarios have 0, its fallback −100"}
                  </span>
                </label>
                <div className="field-hint">
                  Matching messages get the recording instead of their usual answer, on every connection.
                </div>
                <RecordingReach preview={preview} priority={priorityValue} />
              </fieldset>
            ) : (
              <div className="field-hint">
                Stored without a trigger: the mock answers every message as before. Play it from Scenarios on any
                connection, or give it a trigger there later.
              </div>
            )}
            {triggerProblem && <span className="field-error">{triggerProblem}</span>}
          </>
        )}
        <ErrorNotice error={record.error} onDismiss={record.clearError} />
        <div className="row">
          <button type="submit" className="primary" disabled={!preview || record.busy || triggerProblem !== null}>
            {record.busy ? 'Recording…' : activate ? 'Record and activate' : 'Record'}
          </button>
          <button type="button" className="ghost" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

/**
 * Whether the recording would answer its own message where it was recorded: the endpoint may play only the scenarios
 * it lists, or another scenario's trigger may come first (a tie goes to the scenario listed first).
 */
function RecordingReach({ preview, priority }: { preview: RecordingPreview; priority: number }) {
  if (preview.playsListedOnly)
    return (
      <div className="notice warning">
        {preview.playsListedOnly} plays only the scenarios it lists: add the recording to its list (Routes) for it to
        answer there.
      </div>
    );
  const { answeredBy } = preview;
  if (!answeredBy || !Number.isInteger(priority) || priority > answeredBy.priority) return null;
  return (
    <div className="notice warning">
      “{preview.userMessage}” is answered now by scenario {answeredBy.scenarioId}, priority {answeredBy.priority}: give
      a higher priority for the recording to answer it.
    </div>
  );
}
