import { create } from 'zustand';
import type { AgoraChange, SessionMetadata } from '../../../shared/agora-model';
import type { ConsoleUser } from '../../../shared/control-api';

export interface AgoraSnapshot {
  users: readonly ConsoleUser[];
  sessions: readonly SessionMetadata[];
}

interface StateStore extends AgoraSnapshot {
  loaded: boolean;
  selectedUserId: string | null;
  selectedSessionId: string | null;
  /** Bumped when a session's history changed in the engine, so an open history editor can offer to reload. */
  historyVersions: Record<string, number>;
}

export const useStateStore = create<StateStore>()(() => ({
  users: [],
  sessions: [],
  loaded: false,
  selectedUserId: null,
  selectedSessionId: null,
  historyVersions: {},
}));

function upsert<T>(items: readonly T[], item: T, same: (a: T) => boolean): T[] {
  const index = items.findIndex(same);
  return index === -1 ? [...items, item] : items.map((existing, i) => (i === index ? item : existing));
}

/**
 * Follows the engine's store changes without refetching. `reset` cannot be followed this way: the caller
 * refetches when `needsRefetch` is true.
 */
export function applyAgoraChanges(
  snapshot: AgoraSnapshot,
  changes: readonly AgoraChange[],
): AgoraSnapshot & { needsRefetch: boolean; historiesChanged: string[] } {
  let { users, sessions } = snapshot;
  let needsRefetch = false;
  const historiesChanged: string[] = [];
  for (const change of changes) {
    switch (change.type) {
      case 'user-created':
      case 'user-updated': {
        const isCurrentUser = users.find((user) => user.id === change.user.id)?.isCurrentUser ?? false;
        users = upsert(users, { ...change.user, isCurrentUser }, (user) => user.id === change.user.id);
        break;
      }
      case 'user-deleted':
        users = users.filter((user) => user.id !== change.userId);
        sessions = sessions.filter((session) => !change.deletedSessionIds.includes(session.sessionId));
        break;
      case 'current-user-changed':
        users = users.map((user) => ({ ...user, isCurrentUser: user.id === change.userId }));
        break;
      case 'session-created':
      case 'session-updated':
        sessions = upsert(sessions, change.session, (s) => s.sessionId === change.session.sessionId);
        break;
      case 'session-deleted':
        sessions = sessions.filter((session) => session.sessionId !== change.sessionId);
        break;
      case 'history-appended':
      case 'history-replaced':
        sessions = upsert(sessions, change.session, (s) => s.sessionId === change.session.sessionId);
        historiesChanged.push(change.session.sessionId);
        break;
      case 'reset':
        needsRefetch = true;
        break;
    }
  }
  return { users, sessions, needsRefetch, historiesChanged };
}
