import type { ConsoleUser } from '../../../../shared/control-api';
import { useStateStore } from '../../stores/state-store';
import { ShowMoreButton } from '../../ui/ShowMoreButton';
import { usePages } from '../../ui/use-pages';

/** Users drawn at a time: the mocked API takes as many as clients create, and 2,000 were drawn at once. */
const USERS_PAGE = 100;

/**
 * Every user the mocked API knows, a page at a time; "me" is who `GET /users/me` answers with. Name and email only:
 * the form below shows the rest, and the table fits its column (it scrolls sideways inside itself if a value is very
 * long). The selected user is drawn even past the pages shown (one just created goes at the end), after them.
 */
export function UsersTable({ users, selectedId }: { users: readonly ConsoleUser[]; selectedId: string | null }) {
  const pages = usePages(
    users,
    USERS_PAGE,
    users.findIndex((user) => user.id === selectedId),
  );
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
          {pages.rows.map((user) => (
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
      {pages.notShown > 0 && <ShowMoreButton count={pages.next} notShown={pages.notShown} onShow={pages.showMore} />}
    </div>
  );
}
