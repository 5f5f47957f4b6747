import { useState } from 'react';
import { useDraftsStore } from '../../stores/mount-drafts-store';
import { useStateStore } from '../../stores/state-store';
import { ListHeader } from '../../ui/ListHeader';
import { HistoryEditor } from './HistoryEditor';
import { HistoryEvictedNotice } from './HistoryEvictedNotice';
import { ResetStateButton } from './ResetStateButton';
import { SessionList } from './SessionList';
import { NEW_USER_DRAFT, UserForm } from './UserForm';
import { UsersTable } from './UsersTable';

/** What the AGORA pack serves — users, sessions, histories — editable; changes apply at once. */
export function AgoraStatePart() {
  const users = useStateStore((state) => state.users);
  const loaded = useStateStore((state) => state.loaded);
  const selectedUserId = useStateStore((state) => state.selectedUserId);
  const selectedSessionId = useStateStore((state) => state.selectedSessionId);
  // A new user being written when the view was left comes back with it.
  const [creating, setCreating] = useState(() => NEW_USER_DRAFT in useDraftsStore.getState().drafts);
  // Until someone picks a user, "me" is shown: the user the frontend sees first.
  const shownUserId =
    selectedUserId ?? (creating ? null : (users.find((candidate) => candidate.isCurrentUser)?.id ?? null));
  const user = users.find((candidate) => candidate.id === shownUserId) ?? null;
  if (!loaded)
    return (
      <div className="empty">
        <span className="spinner" /> Loading users and sessions…
      </div>
    );
  return (
    <div className="split three">
      <div className="panel">
        <ListHeader
          title="Users"
          count={users.length}
          newLabel="+ New user"
          onNew={() => {
            setCreating(true);
            useStateStore.setState({ selectedUserId: null, selectedSessionId: null });
          }}
          form={() => document.querySelector('form[aria-label="New user"]')}
        />
        <div className="panel-body stack">
          <UsersTable users={users} selectedId={shownUserId} />
          {(user || creating) && (
            <>
              <h3 className="subject-name" title={user?.name}>
                {user ? user.name : 'New user'}
              </h3>
              <UserForm
                key={user?.id ?? 'new'}
                user={user}
                onCreated={() => setCreating(false)}
                onCancel={() => setCreating(false)}
              />
            </>
          )}
          <div className="spacer" />
          <ResetStateButton />
        </div>
      </div>
      <div className="panel">
        <div className="panel-header">
          <h2>Sessions</h2>
          {user && (
            <span className="muted subject-name" title={user.name}>
              of {user.name}
            </span>
          )}
        </div>
        <div className="panel-body stack">
          <HistoryEvictedNotice />
          {user ? <SessionList userId={user.id} /> : <div className="empty">Pick a user to see their sessions.</div>}
        </div>
      </div>
      <div className="panel">
        <div className="panel-header">
          <h2>History</h2>
          {selectedSessionId && (
            <span className="muted mono subject-name" title={selectedSessionId}>
              {selectedSessionId}
            </span>
          )}
        </div>
        <div className="panel-body">
          {selectedSessionId ? (
            <HistoryEditor key={selectedSessionId} sessionId={selectedSessionId} />
          ) : (
            <div className="empty">Pick a session's History to add, edit or remove its messages.</div>
          )}
        </div>
      </div>
    </div>
  );
}
