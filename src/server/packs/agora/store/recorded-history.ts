import type { HistoryLimitSetting, HistoryMessage, SessionMetadata } from '../../../../shared/agora-model';
import type { ServerSettings } from '../../../../shared/settings';
import type { SessionHistory } from './session-history';
import type { SessionTable } from './session-table';

/** The settings that bound what agent runs record. */
export type HistoryLimits = Pick<ServerSettings, HistoryLimitSetting>;

/** A stored session. Records are replaced, never changed in place, so a write is all or nothing. */
export interface SessionRecord {
  readonly metadata: SessionMetadata;
  readonly history: SessionHistory;
  /**
   * How many of the history's last messages agent runs recorded: the only ones the limits count and evict.
   * A session a run created (`byRun`) is all recorded.
   */
  readonly recorded: number;
  /** Created by an agent run: the workspace-wide limits remove it whole. */
  readonly byRun: boolean;
}

/** What to evict so the limits hold again; applying it cannot fail. */
export interface EvictionPlan {
  limits: HistoryLimitSetting[];
  removedMessages: number;
  /** New records for the sessions that keep some history (the one recorded into among them). */
  trimmed: Map<string, SessionRecord>;
  /** Sessions runs created, removed whole, least recently active first. */
  deleted: string[];
}

/** The record without the `count` oldest of its recorded messages (those made by hand stay). */
export function withoutOldestRecorded(record: SessionRecord, count: number): SessionRecord {
  const history = record.history.without(record.history.length - record.recorded, count);
  return {
    ...record,
    history,
    recorded: record.recorded - count,
    metadata: Object.freeze({ ...record.metadata, messageCount: history.length }),
  };
}

/** A session with a run's messages recorded at its end, within the per-session limit: the record to store. */
export interface Recording {
  readonly record: SessionRecord;
  /** How many of its oldest recorded messages made way for the new ones (0 when the limit held). */
  readonly removed: number;
  /** The limit that made them go. */
  readonly limit?: HistoryLimitSetting;
}

/**
 * `record` with `messages` appended as recorded, keeping at most `maxRecordedMessagesPerSession` recorded
 * messages (and never more than the whole workspace may); the oldest recorded go first, hand-made ones never.
 * A run-made session's history grows in place and loses its oldest from the front (see `SessionHistory`): a
 * session at its limit drops some on every run.
 */
export function withRecorded(
  record: SessionRecord,
  messages: readonly HistoryMessage[],
  limits: HistoryLimits,
  changes: Pick<SessionMetadata, 'firstMessagePreview' | 'lastActivity'>,
): Recording {
  const previous = record.history;
  const recorded = record.byRun ? previous.length + messages.length : record.recorded + messages.length;
  // Never more than the whole workspace may, so evicting the other sessions always suffices (planEviction).
  const keep = Math.min(limits.maxRecordedMessagesPerSession, limits.maxRecordedMessages);
  const removed = Math.max(recorded - keep, 0);
  const handMade = previous.length + messages.length - recorded;
  const history = previous.appended(messages).without(handMade, removed);
  const stored: SessionRecord = {
    ...record,
    history,
    recorded: recorded - removed,
    metadata: Object.freeze({ ...record.metadata, ...changes, messageCount: history.length }),
  };
  if (removed === 0) return { record: stored, removed };
  const limit =
    recorded > limits.maxRecordedMessagesPerSession ? 'maxRecordedMessagesPerSession' : 'maxRecordedMessages';
  return { record: stored, removed, limit };
}

/**
 * What to evict now that `current` (the session a run just recorded into, by `withRecorded`, not yet stored)
 * joins `sessions`: its own oldest recorded messages already made way. Then, while the workspace holds more than
 * `maxRecordedMessages` recorded messages or more than `maxRecordedSessions` sessions made by runs, the least
 * recently active other sessions give way: a session a run created is removed whole, a hand-made one loses only
 * what runs recorded in it. Nothing made by hand is ever evicted. Undefined when every limit holds.
 */
export function planEviction(
  sessions: SessionTable,
  current: { id: string; recording: Recording },
  limits: HistoryLimits,
): EvictionPlan | undefined {
  const hit = new Set<HistoryLimitSetting>();
  const trimmed = new Map<string, SessionRecord>();
  const deleted: string[] = [];
  const { record: own, removed, limit } = current.recording;
  let removedMessages = removed;
  if (limit) {
    hit.add(limit);
    trimmed.set(current.id, own);
  }

  // The table's totals still count the session as it was before this recording.
  const before = sessions.get(current.id);
  let messages = sessions.recordedMessages - (before?.recorded ?? 0) + own.recorded;
  let runSessions = sessions.runSessions - (before?.byRun ? 1 : 0) + (own.byRun ? 1 : 0);
  if (messages > limits.maxRecordedMessages || runSessions > limits.maxRecordedSessions) {
    for (const [id, record] of sessions.leastRecentlyActive(current.id)) {
      const overMessages = messages > limits.maxRecordedMessages;
      const overSessions = runSessions > limits.maxRecordedSessions;
      if (!overMessages && !overSessions) break;
      // Only the session limit is left, and a hand-made session does not count towards it.
      if (!overMessages && !record.byRun) continue;
      if (overMessages) hit.add('maxRecordedMessages');
      if (overSessions && record.byRun) hit.add('maxRecordedSessions');
      messages -= record.recorded;
      removedMessages += record.recorded;
      if (record.byRun) {
        deleted.push(id);
        runSessions--;
      } else {
        trimmed.set(id, withoutOldestRecorded(record, record.recorded));
      }
    }
  }
  if (hit.size === 0) return undefined;
  return { limits: [...hit], removedMessages, trimmed, deleted };
}
