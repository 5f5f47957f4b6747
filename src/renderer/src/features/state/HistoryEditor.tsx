import { useCallback, useEffect, useRef, useState } from 'react';
import { type HistoryMessage, HistoryMessageSchema } from '../../../../shared/agora-model';
import { issueWords } from '../../../../shared/issue-words';
import { errorMessage } from '../../api/api-error';
import { api } from '../../api/control-client';
import { useStateStore } from '../../stores/state-store';
import { ChangedOutsideNotice } from '../../ui/ChangedOutsideNotice';
import { DiscardButton } from '../../ui/DiscardButton';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { ShowMoreButton } from '../../ui/ShowMoreButton';
import { useAction } from '../../ui/use-action';
import { HistoryMessageEditor } from './HistoryMessageEditor';

/**
 * Messages drawn at a time, the newest first to show: a history of 3,000 drawn whole (and each checked against the
 * schema on every keystroke) took four seconds to open and froze the page for more than one.
 */
const HISTORY_PAGE = 100;

/** What is wrong with a message, by message: an edit makes a new object of the one it changes only. */
const problemsOf = new WeakMap<HistoryMessage, string | null>();

function problemOf(message: HistoryMessage): string | null {
  let problem = problemsOf.get(message);
  if (problem === undefined) {
    const result = HistoryMessageSchema.safeParse(message);
    problem = result.success
      ? null
      : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issueWords(issue)}`).join('; ');
    problemsOf.set(message, problem);
  }
  return problem;
}

/**
 * A session's history (tool entries included) as an editable list, saved as a whole. When the engine changes
 * it meanwhile (a run on that thread), unsaved edits are kept and a reload is offered instead.
 */
export function HistoryEditor({ sessionId }: { sessionId: string }) {
  const version = useStateStore((state) => state.historyVersions[sessionId] ?? 0);
  const [messages, setMessages] = useState<HistoryMessage[] | null>(null);
  const [dirty, setDirty] = useState(false);
  const [changedOutside, setChangedOutside] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  /** How many of the oldest messages are not drawn (more are shown on request; new ones go at the end). */
  const [hidden, setHidden] = useState(0);
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;

  const load = useCallback(async () => {
    try {
      const page = await api.history(sessionId);
      setMessages(page.items);
      setHidden(Math.max(0, page.items.length - HISTORY_PAGE));
      setDirty(false);
      setChangedOutside(false);
      setLoadError(null);
    } catch (error) {
      setLoadError(errorMessage(error));
    }
  }, [sessionId]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new version means the engine changed this history
  useEffect(() => {
    if (dirtyRef.current) setChangedOutside(true);
    else void load();
  }, [load, version]);

  const save = useAction(async (next: HistoryMessage[]) => {
    await api.replaceHistory(sessionId, next);
    setDirty(false);
    setChangedOutside(false);
  });

  const update = (next: HistoryMessage[]) => {
    setMessages(next);
    setDirty(true);
  };
  const valid = (messages ?? []).every((message) => problemOf(message) === null);

  if (loadError) return <ErrorNotice error={loadError} />;
  if (!messages)
    return (
      <div className="faint">
        <span className="spinner" /> Loading history…
      </div>
    );
  return (
    <div className="stack" data-testid="history-editor">
      {changedOutside && <ChangedOutsideNotice what="history" onReload={() => load()} />}
      {messages.length === 0 && <div className="faint">No messages yet.</div>}
      {hidden > 0 && (
        <ShowMoreButton
          count={Math.min(HISTORY_PAGE, hidden)}
          notShown={hidden}
          what="earlier"
          onShow={() => setHidden(Math.max(0, hidden - HISTORY_PAGE))}
        />
      )}
      {messages.slice(hidden).map((message, shownIndex) => {
        const index = hidden + shownIndex;
        return (
          <HistoryMessageEditor
            // Messages have no ids; position is their identity while editing.
            key={index}
            index={index}
            message={message}
            problem={problemOf(message)}
            onChange={(next) => update(messages.map((m, i) => (i === index ? next : m)))}
            onRemove={() => update(messages.filter((_, i) => i !== index))}
          />
        );
      })}
      <div className="row">
        <button type="button" onClick={() => update([...messages, { role: 'user', content: '' }])}>
          + User message
        </button>
        <button type="button" onClick={() => update([...messages, { role: 'assistant', content: '' }])}>
          + Assistant message
        </button>
        <span className="spacer" />
        {dirty && <DiscardButton disabled={save.busy} onDiscard={() => load()} />}
        <button
          type="button"
          className="primary"
          disabled={!dirty || !valid || save.busy}
          onClick={() => save.run(messages)}
        >
          {save.busy ? 'Saving…' : 'Save history'}
        </button>
      </div>
      <ErrorNotice error={save.error} onDismiss={save.clearError} />
    </div>
  );
}
