import type { AgoraChange, SessionMetadata } from '../../../../shared/agora-model';
import type { ChangeMerging } from '../../../support/change-coalescer';

type Change<Type extends AgoraChange['type']> = Extract<AgoraChange, { type: Type }>;

const userKey = (id: string) => `user:${id}`;
const sessionKey = (id: string) => `session:${id}`;

/**
 * How the store's changes combine on the live feed. A run records into its session twice and touches its user
 * twice, and at a history limit evicts as well: under load most of a batch's changes are about a few sessions and
 * users. Each change still reads as the store is after both (a session or user as it is now, counts summed).
 */
export const agoraChangeMerging: ChangeMerging<AgoraChange> = {
  keys(change) {
    switch (change.type) {
      case 'user-created':
      case 'user-updated':
        return [userKey(change.user.id)];
      case 'session-created':
      case 'session-updated':
      case 'history-appended':
      case 'history-replaced':
        return [sessionKey(change.session.sessionId)];
      case 'session-deleted':
        return [sessionKey(change.sessionId)];
      case 'history-evicted':
        return [
          ...change.trimmedSessions.map((session) => sessionKey(session.sessionId)),
          ...change.deletedSessionIds.map(sessionKey),
        ];
      // Deleting a user deletes its sessions; the current user is a flag on every user; a reset is everything.
      case 'user-deleted':
      case 'current-user-changed':
      case 'reset':
        return undefined;
    }
  },

  merge(earlier, later) {
    switch (later.type) {
      case 'user-updated':
        // A user created or updated, then updated: the first says what happened, the last what it is now.
        if (earlier.type === 'user-created' || earlier.type === 'user-updated') return { ...earlier, user: later.user };
        return undefined;
      case 'session-updated':
      case 'history-appended':
        return withLatestSession(earlier, later);
      case 'history-evicted':
        return withEviction(earlier, later);
      default:
        return undefined;
    }
  },
};

/** `earlier` with the session as `later` leaves it (`later` recorded into it or renamed it). */
function withLatestSession(
  earlier: AgoraChange,
  later: Change<'session-updated'> | Change<'history-appended'>,
): AgoraChange | undefined {
  const session = later.session;
  switch (earlier.type) {
    case 'session-created':
      // Created, then recorded into: kept apart, so the console still hears that the history changed.
      return later.type === 'session-updated' ? { ...earlier, session } : undefined;
    case 'session-updated':
      // The later change says both: its session is the latest.
      return later;
    case 'history-replaced':
      return { ...earlier, session };
    case 'history-appended':
      return later.type === 'history-appended'
        ? { ...later, appendedMessages: earlier.appendedMessages + later.appendedMessages }
        : { ...earlier, session };
    case 'history-evicted':
      if (earlier.deletedSessionIds.includes(session.sessionId)) return undefined;
      return { ...earlier, trimmedSessions: replaced(earlier.trimmedSessions, session) };
    default:
      return undefined;
  }
}

/**
 * An eviction that trimmed only `later`'s one session, after another change about it: one eviction, the session as
 * it is now. (An eviction that deleted the session, or concerns several, is not merged: its keys say so.)
 */
function withEviction(earlier: AgoraChange, later: Change<'history-evicted'>): AgoraChange | undefined {
  const [trimmed] = later.trimmedSessions;
  if (trimmed === undefined || later.deletedSessionIds.length > 0) return undefined;
  switch (earlier.type) {
    case 'history-appended':
    case 'session-updated':
      return later;
    case 'history-evicted':
      if (earlier.deletedSessionIds.includes(trimmed.sessionId)) return undefined;
      return {
        type: 'history-evicted',
        limits: [...new Set([...earlier.limits, ...later.limits])],
        removedMessages: earlier.removedMessages + later.removedMessages,
        trimmedSessions: replaced(earlier.trimmedSessions, trimmed),
        deletedSessionIds: earlier.deletedSessionIds,
      };
    default:
      return undefined;
  }
}

/** `sessions` with `session` in place of the entry of the same id, or added. */
function replaced(sessions: readonly SessionMetadata[], session: SessionMetadata): SessionMetadata[] {
  const index = sessions.findIndex((existing) => existing.sessionId === session.sessionId);
  return index === -1 ? [...sessions, session] : sessions.map((existing, i) => (i === index ? session : existing));
}
