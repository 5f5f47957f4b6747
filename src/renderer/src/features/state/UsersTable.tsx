import type { ConsoleUser } from '../../../../shared/control-api';
import { useStateStore } from '../../stores/state-store';

/**
 * Every user the mocked API knows; "me" is who `GET /users/me` answers with. Name and email only: the form below
 * shows the rest, and the table fits its column (it scrolls sideways inside itself if a value is very long).
 */
export function UsersTable({ users, selectedId }: { users: readonly ConsoleUser[]; selectedId: string | null }) {
  const select = (userId: string) => useStateStore.setState({ selectedUserId: userId, selectedSessionId: null });
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
          {users.map((user) => (
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
    </div>
  );
}
