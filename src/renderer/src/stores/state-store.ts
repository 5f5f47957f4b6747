import { create } from 'zustand';
import type { AgoraChange, HistoryEvictionCause, SessionMetadata } from '../../../shared/agora-model';
import type { ConsoleUser } from '../../../shared/control-api';

export interface AgoraSnapshot {
  users: readonly ConsoleUser[];
  sessions: readonly SessionMetadata[];
  /** Recorded history evicted since the notice was last dismissed; null when there is nothing to tell. */
  eviction?: EvictionNotice | null;
}

/**
 * What the history limits, or a save that found the workspace too large for its file, evicted (summed over
 * `history-evicted` changes), for the State view's notice.
 */
export interface EvictionNotice {
  limits: readonly HistoryEvictionCause[];
  removedMessages: number;
  deletedSessions: number;
}

interface StateStore extends AgoraSnapshot {
  loaded: boolean;
  selectedUserId: string | null;
  selectedSessionId: string | null;
  /** Bumped when a session's history changed in the engine, so an open history editor can offer to reload. */
  historyVersions: Record<string, number>;
  eviction: EvictionNotice | null;
}

export const useStateStore = create<StateStore>()(() => ({
  users: [],
  sessions: [],
  loaded: false,
  selectedUserId: null,
  selectedSessionId: null,
  historyVersions: {},
  eviction: null,
}));

function upsert<T>(items: readonly T[], item: T, same: (a: T) => boolean): T[] {
  const index = items.findIndex(same);
  return index === -1 ? [...items, item] : items.map((existing, i) => (i === index ? item : existing));
}

/**
 * A user the console just saved, shown at once (the feed's change follows): its form drops the draft without
 * showing the values from before the save meanwhile.
 */
export function putUser(user: ConsoleUser): void {
  useStateStore.setState(({ users }) => ({
    users: upsert(
      users.map((other) => (user.isCurrentUser && other.isCurrentUser ? { ...other, isCurrentUser: false } : other)),
      user,
      (other) => other.id === user.id,
    ),
  }));
}

/** A session the console just saved, shown at once, as `putUser`. */
export function putSession(session: SessionMetadata): void {
  useStateStore.setState(({ sessions }) => ({
    sessions: upsert(sessions, session, (other) => other.sessionId === session.sessionId),
  }));
}

/** `notice` with one more eviction added to it. */
function addEviction(
  notice: EvictionNotice | null,
  change: Extract<AgoraChange, { type: 'history-evicted' }>,
): EvictionNotice {
  return {
    limits: [...new Set([...(notice?.limits ?? []), ...change.limits])],
    removedMessages: (notice?.removedMessages ?? 0) + change.removedMessages,
    deletedSessions: (notice?.deletedSessions ?? 0) + change.deletedSessionIds.length,
  };
}

/**
 * Follows the engine's store changes without refetching. `reset` cannot be followed this way: the caller
 * refetches when `needsRefetch` is true. What the history limits evicted is added to the snapshot's notice.
 */
export function applyAgoraChanges(
  snapshot: AgoraSnapshot,
  changes: readonly AgoraChange[],
): AgoraSnapshot & { needsRefetch: boolean; historiesChanged: string[]; eviction: EvictionNotice | null } {
  let { users, sessions } = snapshot;
  let needsRefetch = false;
  let eviction = snapshot.eviction ?? null;
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
      case 'history-evicted':
        for (const session of change.trimmedSessions) {
          sessions = upsert(sessions, session, (s) => s.sessionId === session.sessionId);
          historiesChanged.push(session.sessionId);
        }
        sessions = sessions.filter((session) => !change.deletedSessionIds.includes(session.sessionId));
        eviction = addEviction(eviction, change);
        break;
      case 'reset':
        needsRefetch = true;
        break;
    }
  }
  return { users, sessions, needsRefetch, historiesChanged, eviction };
}
