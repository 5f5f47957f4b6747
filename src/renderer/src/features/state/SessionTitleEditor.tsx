import type { SessionMetadata } from '../../../../shared/agora-model';
import { SESSION_TITLE_MAX } from '../../../../shared/agora-model';
import { api } from '../../api/control-client';
import { useDraft } from '../../stores/mount-drafts-store';
import { putSession } from '../../stores/state-store';
import { ChangedOutsideNotice } from '../../ui/ChangedOutsideNotice';
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
  // A title typed and not saved yet outlives a look at another view; untouched, it is the session's title now.
  const draft = useDraft(`session-title:${session.sessionId}`, session.title);
  const { text: title, setText: setTitle, dirty: changed } = draft;
  const save = useAction(async () => {
    putSession(await api.updateSession(session.sessionId, { title }));
    draft.discard();
  });
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
        {/* One piece, its dot inside: a card too narrow for the row wraps it whole, never starting a line with "·". */}
        <span>
          {session.messageCount} messages · {formatDateTime(session.lastActivity)}
        </span>
        <span className="spacer" />
        <button type="button" className="small" aria-pressed={selected} onClick={onSelect}>
          History
        </button>
        <ConfirmDeleteButton small onConfirm={onDelete} />
      </div>
      {tooLong && <span className="field-error">At most {SESSION_TITLE_MAX} characters.</span>}
      {draft.changedOutside && (
        <ChangedOutsideNotice
          what="title"
          changes={[`now "${session.title}"`]}
          onReload={() => {
            draft.discard();
            save.clearError();
          }}
        />
      )}
      <ErrorNotice error={save.error} onDismiss={save.clearError} />
    </div>
  );
}
