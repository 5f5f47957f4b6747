import { useState } from 'react';
import type { ConsoleUser } from '../../../../shared/control-api';
import { useStateStore } from '../../stores/state-store';
import { formatNumber } from '../../ui/format';

/** Users drawn at a time: the mocked API takes as many as clients create, and 2,000 were drawn at once. */
const USERS_PAGE = 100;

/**
 * Every user the mocked API knows, a page at a time; "me" is who `GET /users/me` answers with. Name and email only:
 * the form below shows the rest, and the table fits its column (it scrolls sideways inside itself if a value is very
 * long). The selected user is drawn even past the pages shown (one just created goes at the end), after them.
 */
export function UsersTable({ users, selectedId }: { users: readonly ConsoleUser[]; selectedId: string | null }) {
  const [shown, setShown] = useState(USERS_PAGE);
  const select = (userId: string) => useStateStore.setState({ selectedUserId: userId, selectedSessionId: null });
  const page = users.slice(0, shown);
  const selected = users.find((user) => user.id === selectedId);
  const rows = selected && !page.includes(selected) ? [...page, selected] : page;
  const notShown = users.length - rows.length;
  return (
    <div className="table-scroll">
      <table className="grid" aria-label="Users" data-list="users">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((user) => (
            <tr
              key={user.id}
              data-list-item={user.id}
              aria-selected={user.id === selectedId}
              onClick={() => select(user.id)}
            >
              <td>
                {/* The keyboard's way to the row: Tab to it, Enter or Space picks it (the click reaches the row). */}
                <button type="button" className="row-button" aria-current={user.id === selectedId}>
                  {user.name}
                </button>{' '}
                {user.isCurrentUser && <span className="badge accent">me</span>}
              </td>
              <td title={user.email}>{user.email}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {notShown > 0 && (
        <button type="button" className="ghost small" onClick={() => setShown(shown + USERS_PAGE)}>
          Show {formatNumber(Math.min(USERS_PAGE, notShown))} more ({formatNumber(notShown)} not shown)
        </button>
      )}
    </div>
  );
}
