import type { ConsoleUser } from '../../../../shared/control-api';
import { useStateStore } from '../../stores/state-store';

/** Every user the mocked API knows; "me" is who `GET /users/me` answers with. */
export function UsersTable({ users, selectedId }: { users: readonly ConsoleUser[]; selectedId: string | null }) {
  return (
    <table className="grid" aria-label="Users">
      <thead>
        <tr>
          <th>Name</th>
          <th>Email</th>
          <th>Theme</th>
          <th>Language</th>
        </tr>
      </thead>
      <tbody>
        {users.map((user) => (
          <tr
            key={user.id}
            aria-selected={user.id === selectedId}
            onClick={() => useStateStore.setState({ selectedUserId: user.id, selectedSessionId: null })}
          >
            <td>
              {user.name} {user.isCurrentUser && <span className="badge accent">me</span>}
            </td>
            <td>{user.email}</td>
            <td>{user.preferences.theme}</td>
            <td>{user.preferences.language}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
