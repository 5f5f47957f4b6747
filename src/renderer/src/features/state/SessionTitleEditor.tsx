import type { SessionMetadata } from '../../../../shared/agora-model';
import { SESSION_TITLE_MAX } from '../../../../shared/agora-model';
import { api } from '../../api/control-client';
import { useKeptState } from '../../stores/kept-state';
import { ConfirmDeleteButton } from '../../ui/ConfirmDeleteButton';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { formatDateTime } from '../../ui/format';
import { useAction } from '../../ui/use-action';

interface SessionTitleEditorProps {
  session: SessionMetadata;
  selected: boolean;
  onSelect(): void;
  onDelete(): Promise<boolean>;
}

/** One session: pick it to edit its history, rename it in place, delete it. */
export function SessionTitleEditor({ session, selected, onSelect, onDelete }: SessionTitleEditorProps) {
  // A title typed and not saved yet outlives a look at another view.
  const kept = useKeptState(`session-title:${session.sessionId}`, () => session.title);
  const { value: title, set: setTitle } = kept;
  const save = useAction(async () => {
    await api.updateSession(session.sessionId, { title });
    kept.forget();
  });
  const changed = title !== session.title;
  const tooLong = title.length > SESSION_TITLE_MAX;
  return (
    <div
      className="history-message"
      style={selected ? { borderColor: 'var(--accent)', boxShadow: 'inset 3px 0 0 var(--accent)' } : undefined}
      data-testid={`session-${session.sessionId}`}
      data-list-item={session.sessionId}
    >
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          if (changed && !tooLong) void save.run();
        }}
      >
        <input
          className="spacer"
          aria-label={`Title of ${session.sessionId}`}
          value={title}
          aria-invalid={tooLong}
          onChange={(event) => setTitle(event.target.value)}
        />
        {changed && (
          <button type="submit" className="primary small" disabled={save.busy || tooLong}>
            {save.busy ? 'Saving…' : 'Save title'}
          </button>
        )}
      </form>
      <div className="row faint" style={{ fontSize: 12 }}>
        <span className="mono session-id" title={session.sessionId}>
          {session.sessionId}
        </span>
        <span>· {session.messageCount} messages</span>
        <span>· {formatDateTime(session.lastActivity)}</span>
        <span className="spacer" />
        <button type="button" className="small" aria-pressed={selected} onClick={onSelect}>
          History
        </button>
        <ConfirmDeleteButton small onConfirm={onDelete} />
      </div>
      {tooLong && <span className="field-error">At most {SESSION_TITLE_MAX} characters.</span>}
      <ErrorNotice error={save.error} onDismiss={save.clearError} />
    </div>
  );
}
