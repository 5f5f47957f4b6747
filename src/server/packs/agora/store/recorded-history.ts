import type {
  HistoryEvictionCause,
  HistoryLimitSetting,
  HistoryMessage,
  SessionMetadata,
  StoredSession,
} from '../../../../shared/agora-model';
import type { ServerSettings } from '../../../../shared/settings';
import type { FileRoom } from '../../pack-definition';
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
  /** The text those recorded messages hold, in UTF-8 bytes (`recordedBytesOf`): what `maxRecordedBytes` counts. */
  readonly recordedBytes: number;
  /** Created by an agent run: the workspace-wide limits remove it whole. */
  readonly byRun: boolean;
}

/** What to evict so the limits hold again; applying it cannot fail. */
export interface EvictionPlan {
  limits: HistoryEvictionCause[];
  removedMessages: number;
  /** New records for the sessions that keep some history (the one recorded into among them). */
  trimmed: Map<string, SessionRecord>;
  /** Sessions runs created, removed whole, least recently active first. */
  deleted: string[];
}

/**
 * The text a message holds, in UTF-8 bytes: its content (what was said, a tool's arguments or result), spoken
 * text, and the names and ids beside them — every string of it but the role, since a client may fill any of them.
 */
export function recordedBytesOf(message: HistoryMessage): number {
  let bytes = 0;
  // `for…in` over a plain message: no array of entries made for each of a run's messages.
  for (const key in message) {
    const value = (message as Record<string, unknown>)[key];
    if (key !== 'role' && typeof value === 'string') bytes += Buffer.byteLength(value, 'utf8');
  }
  return bytes;
}

/** The text of `count` messages of `history` from index `from` on, in UTF-8 bytes. */
export function recordedBytesOfRange(history: SessionHistory, from: number, count: number): number {
  let bytes = 0;
  for (let index = from; index < from + count; index++) bytes += recordedBytesOf(history.at(index));
  return bytes;
}

/** The record without the `count` oldest of its recorded messages (those made by hand stay). */
export function withoutOldestRecorded(record: SessionRecord, count: number): SessionRecord {
  const handMade = record.history.length - record.recorded;
  const history = record.history.without(handMade, count);
  return {
    ...record,
    history,
    recorded: record.recorded - count,
    recordedBytes: record.recordedBytes - recordedBytesOfRange(record.history, handMade, count),
    metadata: Object.freeze({ ...record.metadata, messageCount: history.length }),
  };
}

/** A session with a run's messages recorded at its end, within the per-session limit: the record to store. */
export interface Recording {
  readonly record: SessionRecord;
  /** How many of its oldest recorded messages made way for the new ones (0 when the limits held). */
  readonly removed: number;
  /** The limits that made them go (none when the limits held). */
  readonly limits: readonly HistoryLimitSetting[];
}

/**
 * `record` with `messages` appended as recorded, keeping at most `maxRecordedMessagesPerSession` recorded
 * messages and never more than the whole workspace may (messages or bytes); the oldest recorded go first,
 * hand-made ones never. Only the new messages and the ones that go are measured: the record keeps its byte total.
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
  const handMade = previous.length + messages.length - recorded;
  const appended = previous.appended(messages);
  let bytes = record.recordedBytes;
  for (const message of messages) bytes += recordedBytesOf(message);
  // Never more than the whole workspace may, so evicting the other sessions always suffices (planEviction).
  const keep = Math.min(limits.maxRecordedMessagesPerSession, limits.maxRecordedMessages);
  const byCount = Math.max(recorded - keep, 0);
  bytes -= recordedBytesOfRange(appended, handMade, byCount);
  let removed = byCount;
  // A session that alone holds more text than the workspace may loses its oldest too, the run's own if need be.
  while (bytes > limits.maxRecordedBytes && removed < recorded) {
    bytes -= recordedBytesOf(appended.at(handMade + removed));
    removed++;
  }
  const history = appended.without(handMade, removed);
  const stored: SessionRecord = {
    ...record,
    history,
    recorded: recorded - removed,
    recordedBytes: bytes,
    metadata: Object.freeze({ ...record.metadata, ...changes, messageCount: history.length }),
  };
  const hit: HistoryLimitSetting[] = [];
  if (byCount > 0)
    hit.push(recorded > limits.maxRecordedMessagesPerSession ? 'maxRecordedMessagesPerSession' : 'maxRecordedMessages');
  if (removed > byCount) hit.push('maxRecordedBytes');
  return { record: stored, removed, limits: hit };
}

/**
 * What to evict now that `current` (the session a run just recorded into, by `withRecorded`, not yet stored)
 * joins `sessions`: its own oldest recorded messages already made way. Then, while the workspace holds more than
 * `maxRecordedMessages` recorded messages, more than `maxRecordedBytes` of their text or more than
 * `maxRecordedSessions` sessions made by runs, the least recently active other sessions give way: a session a run
 * created is removed whole, a hand-made one loses only what runs recorded in it. Nothing made by hand is ever
 * evicted. Undefined when every limit holds.
 */
export function planEviction(
  sessions: SessionTable,
  current: { id: string; recording: Recording },
  limits: HistoryLimits,
): EvictionPlan | undefined {
  const hit = new Set<HistoryLimitSetting>();
  const trimmed = new Map<string, SessionRecord>();
  const deleted: string[] = [];
  const { record: own, removed, limits: ownLimits } = current.recording;
  let removedMessages = removed;
  if (ownLimits.length > 0) {
    for (const limit of ownLimits) hit.add(limit);
    trimmed.set(current.id, own);
  }

  // The table's totals still count the session as it was before this recording.
  const before = sessions.get(current.id);
  let messages = sessions.recordedMessages - (before?.recorded ?? 0) + own.recorded;
  let bytes = sessions.recordedBytes - (before?.recordedBytes ?? 0) + own.recordedBytes;
  let runSessions = sessions.runSessions - (before?.byRun ? 1 : 0) + (own.byRun ? 1 : 0);
  if (
    messages > limits.maxRecordedMessages ||
    bytes > limits.maxRecordedBytes ||
    runSessions > limits.maxRecordedSessions
  ) {
    for (const [id, record] of sessions.leastRecentlyActive(current.id)) {
      const overMessages = messages > limits.maxRecordedMessages;
      const overBytes = bytes > limits.maxRecordedBytes;
      const overSessions = runSessions > limits.maxRecordedSessions;
      if (!overMessages && !overBytes && !overSessions) break;
      // Only the session limit is left, and a hand-made session does not count towards it.
      if (!overMessages && !overBytes && !record.byRun) continue;
      if (overMessages) hit.add('maxRecordedMessages');
      if (overBytes) hit.add('maxRecordedBytes');
      if (overSessions && record.byRun) hit.add('maxRecordedSessions');
      messages -= record.recorded;
      bytes -= record.recordedBytes;
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

/**
 * What to evict so the workspace file has `room.wanted` bytes more room: the least recently active sessions holding
 * recorded history give way, as to the history limits (a session a run created whole, a hand-made one only what runs
 * recorded in it). Undefined when all of it would not free `room.needed`: nothing is worth evicting then.
 */
export function planRoom(
  sessions: SessionTable,
  room: FileRoom,
  stored: (record: SessionRecord) => StoredSession,
): EvictionPlan | undefined {
  const trimmed = new Map<string, SessionRecord>();
  const deleted: string[] = [];
  let removedMessages = 0;
  let freed = 0;
  for (const [id, record] of sessions.leastRecentlyActive()) {
    if (freed >= room.wanted) break;
    const given = givenWay(record, room.fileBytes, stored);
    removedMessages += record.recorded;
    freed += given.bytes;
    if (given.kept) trimmed.set(id, given.kept);
    else deleted.push(id);
  }
  if (freed < room.needed) return undefined;
  return { limits: ['workspaceFile'], removedMessages, trimmed, deleted };
}

/**
 * What `record` gives way when the workspace file needs room, in bytes as the file writes them (`fileBytes`): a
 * session a run created whole, a hand-made one what runs recorded in it (`kept`: the session without it).
 */
function givenWay(
  record: SessionRecord,
  fileBytes: FileRoom['fileBytes'],
  stored: (record: SessionRecord) => StoredSession,
): { bytes: number; kept?: SessionRecord } {
  const bytes = fileBytes(stored(record));
  if (record.byRun) return { bytes };
  const kept = handMadePart(record);
  return { bytes: bytes - fileBytes(stored(kept)), kept };
}

/** A session made by hand without what runs recorded in it: what of it never gives way. */
export function handMadePart(record: SessionRecord): SessionRecord {
  return record.recorded === 0 ? record : withoutOldestRecorded(record, record.recorded);
}

/**
 * What `planRoom` could free at most: every session a run created whole, and from each made by hand what runs recorded
 * in it, as the file writes them (`fileBytes`).
 */
export function evictableBytes(
  sessions: SessionTable,
  fileBytes: FileRoom['fileBytes'],
  stored: (record: SessionRecord) => StoredSession,
): number {
  let bytes = 0;
  // Only sessions holding recorded history: one made by hand with nothing recorded is not weighed, edit after edit.
  for (const [, record] of sessions.leastRecentlyActive()) bytes += givenWay(record, fileBytes, stored).bytes;
  return bytes;
}
