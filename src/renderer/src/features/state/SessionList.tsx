import { useEffect, useState } from 'react';
import type { SessionMetadata } from '../../../../shared/agora-model';
import { errorMessage } from '../../api/api-error';
import { api } from '../../api/control-client';
import { useKeptState } from '../../stores/kept-state';
import { useStateStore } from '../../stores/state-store';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { ShowMoreButton } from '../../ui/ShowMoreButton';
import { useAction } from '../../ui/use-action';
import { usePages } from '../../ui/use-pages';
import { SessionTitleEditor } from './SessionTitleEditor';

/** Sessions drawn at a time: every new thread a client opens is one, and 2,000 drawn froze the view for seconds. */
const SESSIONS_PAGE = 100;

/**
 * A user's sessions, as the mocked `/sessions` lists them (the engine resolves legacy user ids, so the list is
 * asked for, not filtered here); reloaded whenever the engine reports a session change.
 */
export function SessionList({ userId }: { userId: string }) {
  const allSessions = useStateStore((state) => state.sessions);
  const selectedId = useStateStore((state) => state.selectedSessionId);
  const [sessions, setSessions] = useState<readonly SessionMetadata[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const pages = usePages(sessions ?? [], SESSIONS_PAGE);
  // A title typed for a new session and not added yet outlives a look at another view.
  const { value: newTitle, set: setNewTitle } = useKeptState('new-session-title', () => '');

  // biome-ignore lint/correctness/useExhaustiveDependencies: allSessions changing means the engine's lists changed
  useEffect(() => {
    let stale = false;
    api
      .sessions(userId)
      .then((page) => {
        if (stale) return;
        setSessions(page.items);
        setLoadError(null);
      })
      .catch((error) => {
        if (!stale) setLoadError(errorMessage(error));
      });
    return () => {
      stale = true;
    };
  }, [userId, allSessions]);

  const create = useAction(async () => {
    const session = await api.createSession({ userId, title: newTitle.trim() || 'Nieuwe sessie' });
    setNewTitle('');
    useStateStore.setState({ selectedSessionId: session.sessionId });
  });
  const remove = useAction((sessionId: string) => api.deleteSession(sessionId));

  return (
    <div className="stack" data-list="sessions">
      <ErrorNotice error={loadError ?? remove.error} />
      {sessions === null && !loadError && (
        <div className="faint">
          <span className="spinner" /> Loading sessions…
        </div>
      )}
      {sessions?.length === 0 && <div className="faint">No sessions for this user yet.</div>}
      {pages.rows.map((session) => (
        <SessionTitleEditor
          key={session.sessionId}
          session={session}
          selected={session.sessionId === selectedId}
          onSelect={() => useStateStore.setState({ selectedSessionId: session.sessionId })}
          onDelete={() => remove.run(session.sessionId)}
        />
      ))}
      {pages.notShown > 0 && <ShowMoreButton count={pages.next} notShown={pages.notShown} onShow={pages.showMore} />}
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          void create.run();
        }}
      >
        <input
          className="spacer"
          aria-label="New session title"
          placeholder="New session title"
          value={newTitle}
          onChange={(event) => setNewTitle(event.target.value)}
        />
        <button type="submit" disabled={create.busy}>
          {create.busy ? 'Adding…' : 'Add session'}
        </button>
      </form>
      <ErrorNotice error={create.error} onDismiss={create.clearError} />
    </div>
  );
}
