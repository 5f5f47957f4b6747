import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  type AgoraChange,
  type AgoraData,
  AgoraDataSchema,
  DEFAULT_PREFERENCES,
  type HistoryMessage,
  HistoryMessageSchema,
  type Preferences,
  SESSION_TITLE_MAX,
  type SessionMetadata,
  SessionMetadataSchema,
  type StoredSession,
  TOOL_HISTORY_ROLES,
  type User,
  type UserRole,
  UserSchema,
} from '../../../../shared/agora-model';
import { DEFAULT_SETTINGS, MAX_JSON_DEPTH_SETTING } from '../../../../shared/settings';
import { oneLine } from '../../../../shared/shorten-text';
import { exceedsJsonDepth } from '../../../support/json-depth';
import type { Logger } from '../../../support/logger';
import type { ClientRoom } from '../../../workspace/client-room';

export type { AgoraChange };

import type { FileRoom } from '../../pack-definition';
import { metadataFileBytes, sessionFileBytes, userFileBytes } from './agora-file-bytes';
import { agoraSeed } from './agora-seed';
import {
  type EvictionPlan,
  evictableBytes,
  type HistoryLimits,
  handMadePart,
  planEviction,
  planRoom,
  recordedBytesOfRange,
  type SessionRecord,
  withRecorded,
} from './recorded-history';
import { SessionHistory } from './session-history';
import { SessionTable } from './session-table';
import { UsersBudget } from './users-budget';

export type AgoraChangeListener = (change: AgoraChange) => void;

export interface Page {
  limit: number;
  offset: number;
}

/** A preferences patch: any known field (already validated by the caller's schema) and any extra field. */
export type PreferencesPatch = Partial<Preferences> & Record<string, unknown>;

export interface AgoraStoreOptions {
  /** When the server started; the seed's activity times are relative to it. Default: now. */
  startedAt?: number;
  /** The clock (tests pin it). */
  now?: () => number;
  /** Where a failing change listener is reported; a listener never fails the change itself. */
  logger?: Logger;
  /** The limits on what agent runs record, read at each recording (the engine's live settings). */
  historyLimits?: () => HistoryLimits;
  /**
   * What the workspace file leaves for clients' writes: users and the sessions made by hand that clients rename are
   * charged to it, and a client's write that does not fit is refused (413). None: only the store's own bounds hold.
   */
  clientRoom?: ClientRoom;
}

export interface UserPatch {
  name?: string;
  /** Console edits only; the mocked REST API never changes an email. */
  email?: string;
  role?: UserRole;
  preferences?: PreferencesPatch;
}

export interface NewUser {
  email: string;
  name: string;
  role?: UserRole;
  /** Merged into the default preferences. */
  preferences?: PreferencesPatch;
}

export interface NewSession {
  /** Default: `session-<uuid>`. */
  sessionId?: string;
  /** Owner, by id or legacy id. */
  userId: string;
  title: string;
  history?: HistoryMessage[];
}

/** Thrown by `createSession` when the id is taken. */
export class DuplicateSessionError extends Error {
  constructor(readonly sessionId: string) {
    super(`Session ${sessionId} already exists`);
    this.name = 'DuplicateSessionError';
  }
}

/**
 * A value the store refused, and so did not store: not valid AGORA data, nested too deep, or not plain JSON.
 * `status`/`expose` follow the http-errors convention, so a route that lets it through answers 422, not 500.
 */
export class AgoraDataError extends Error {
  override name = 'AgoraDataError';
  readonly status = 422;
  readonly expose = true;
  constructor(readonly issues: { path: string; message: string }[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '));
  }
}

/**
 * Sees the store's data as a console edit would leave it, once the edit is checked and before it is stored, and may
 * refuse it by throwing (a workspace that would be too large to save).
 */
export type Admit = (data: AgoraData) => void;

/**
 * What clients may make the store keep, so the users they post and the preference fields they add cannot grow memory
 * (and the workspace file) without end: far beyond what HAI or a test suite creates.
 */
export const USERS_MAX = 10_000;
export const PREFERENCES_MAX_CHARS = 16 * 1024;

/** A write the store has no room for (413, as the http-errors convention reads `status`), saying what to do. */
export class AgoraStoreFullError extends Error {
  override name = 'AgoraStoreFullError';
  readonly status = 413;
  readonly expose = true;
}

/**
 * How deep a stored record (a user with extra preference fields) may nest: a value taken from the deepest body
 * a client may send (MAX_JSON_DEPTH_SETTING) with the levels a record puts around it. A workspace file adds
 * three more levels (document, agora, users) and reads up to WORKSPACE_MAX_DEPTH, so what is stored loads again.
 */
export const RECORD_MAX_DEPTH = MAX_JSON_DEPTH_SETTING + 2;

/** Thrown by `createUser` when another user has the email (compared case-insensitively). */
export class DuplicateEmailError extends Error {
  constructor(readonly email: string) {
    super('Email already exists');
    this.name = 'DuplicateEmailError';
  }
}

/** Title and preview of a session made from a run: the first user message, shortened. */
const RUN_TITLE_MAX = 50;
const PREVIEW_MAX = 100;

const HistorySchema = z.array(HistoryMessageSchema);

/**
 * The AGORA profile's data: users, the current user, sessions with their histories. Every write is checked
 * first — against the workspace schemas, a depth bound and a JSON round trip — so whatever the store holds can
 * be served and saved, and a refused write changes nothing (indexes included). Stored values (histories
 * included) are frozen and handed out as they are: a reader cannot change them, and serving one copies nothing. Every change is announced to subscribers. What agent runs record is
 * bounded by the history limits (see `recordRunStart`).
 */
export class AgoraStore {
  private users = new Map<string, User>();
  private emailOwners = new Map<string, string>();
  private aliases = new Map<string, string>();
  private sessions = new SessionTable();
  private currentUserId: string | null = null;
  private usersNewestFirst: User[] | null = null;
  private readonly usersBudget: UsersBudget;
  /** What the workspace file leaves clients' writes (`AgoraStoreOptions.clientRoom`). */
  private readonly clientRoom: ClientRoom | undefined;
  private listeners = new Set<AgoraChangeListener>();
  private readonly seed: AgoraData;
  private readonly now: () => number;
  /** The last timestamp formatted, by its millisecond. */
  private stamped = { at: Number.NaN, text: '' };
  private readonly logger: Logger | undefined;
  private readonly historyLimits: () => HistoryLimits;

  constructor(options: AgoraStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
    this.historyLimits = options.historyLimits ?? (() => DEFAULT_SETTINGS);
    this.clientRoom = options.clientRoom;
    this.usersBudget = new UsersBudget(options.clientRoom);
    this.seed = agoraSeed(options.startedAt ?? this.now());
    this.replace(this.seed);
  }

  subscribe(listener: AgoraChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.unsubscribe(listener);
  }

  unsubscribe(listener: AgoraChangeListener): void {
    this.listeners.delete(listener);
  }

  /** Back to the seed the store started with. */
  reset(): void {
    this.replace(this.seed);
  }

  /**
   * Replaces everything with a copy of `data`; throws, changing nothing, when it is invalid. Derived counts follow
   * the histories: `messageCount` is the history's length, and a session a run created is all recorded. The history
   * limits are not applied here: loading never evicts.
   */
  replace(data: AgoraData): void {
    const valid = storable(AgoraDataSchema, data, 'agora', RECORD_MAX_DEPTH + 2);
    checkConsistency(valid);
    this.load(valid);
  }

  /**
   * `replace` for a workspace being loaded: its data, which the pack's `check` took (valid, consistent, plain JSON)
   * and no one changes after, is kept as given, frozen in place, not copied. A copy is a new object for every
   * message, which the measure that weighed the workspace as it was read (`DocumentBytes`, which remembers by
   * identity) would weigh all over again for the room clients' writes have: over 150 ms for a 34 MiB world.
   */
  load(valid: AgoraData): void {
    const users = new Map<string, User>();
    const emailOwners = new Map<string, string>();
    for (const user of valid.users) {
      users.set(user.id, deepFreeze(user));
      emailOwners.set(user.email.toLowerCase(), user.id);
    }
    const sessions = new SessionTable();
    for (const session of valid.sessions) sessions.set(session.metadata.sessionId, loadedSession(session));
    this.users = users;
    this.usersBudget.recount(users.values());
    this.emailOwners = emailOwners;
    this.aliases = new Map(Object.entries(valid.userAliases));
    this.sessions = sessions;
    this.currentUserId = valid.currentUserId;
    this.usersNewestFirst = null;
    this.emit({ type: 'reset' });
  }

  /** A deep copy of everything, in the workspace format (the engine reads `sharedSnapshot`; tests compare copies). */
  snapshot(): AgoraData {
    return structuredClone(this.sharedSnapshot());
  }

  /**
   * Everything in the workspace format without copying, for every reader of the world's data (a save, the console's
   * reads, a pack switch): users, session metadata and history entries are the stored, frozen values; the lists are
   * copied, so later changes do not show. Consistent as of the call, however long the reader takes. Read only.
   */
  sharedSnapshot(): AgoraData {
    return {
      users: [...this.users.values()],
      currentUserId: this.currentUserId,
      userAliases: Object.fromEntries(this.aliases),
      // The recording marks too: a file without them would make every recorded message hand-made once reloaded.
      // A history is its frozen list, the same one until it changes: a reader that remembers what it measured by
      // identity (`DocumentBytes`) looks at a session's messages again only when they changed.
      sessions: [...this.sessions.values()].map(storedSession),
    };
  }

  /**
   * `sharedSnapshot()` as it would be with `user`, or the session `record`, stored: in place of the one with its id,
   * else added last, as the store's own tables keep them.
   */
  private sharedSnapshotWith(change: { user: User } | { sessionId: string; record: SessionRecord }): AgoraData {
    const snapshot = this.sharedSnapshot();
    if ('user' in change) return { ...snapshot, users: withEntry(this.users.entries(), change.user.id, change.user) };
    return {
      ...snapshot,
      sessions: withEntry(this.sessions.entries(), change.sessionId, change.record).map(storedSession),
    };
  }

  // ---- users ----

  /** Newest `createdAt` first, as AGORA's mock lists them (HAI selects the first). */
  listUsers(page: Page): { users: User[]; totalCount: number } {
    this.usersNewestFirst ??= [...this.users.values()].sort(
      (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt),
    );
    return {
      users: this.usersNewestFirst.slice(page.offset, page.offset + page.limit),
      totalCount: this.usersNewestFirst.length,
    };
  }

  /** By id or legacy id (`koen`). */
  getUser(id: string): User | undefined {
    const user = this.users.get(this.canonicalUserId(id));
    return user;
  }

  /** The user `GET /users/me` answers with. */
  currentUser(): User | undefined {
    return this.currentUserId === null ? undefined : this.getUser(this.currentUserId);
  }

  /** Returns false (changing nothing) when there is no such user. */
  setCurrentUser(id: string | null): boolean {
    const userId = id === null ? null : this.canonicalUserId(id);
    if (userId !== null && !this.users.has(userId)) return false;
    this.currentUserId = userId;
    this.emit({ type: 'current-user-changed', userId });
    return true;
  }

  /**
   * A new user with default preferences. Throws `DuplicateEmailError`, or `AgoraDataError` for invalid fields. `admit`
   * (a console edit's: see `Admit`) sees the data as it would be, before it is stored; without it (a client's write),
   * the users' share of the workspace file is checked instead (`AgoraStoreFullError`).
   */
  createUser(input: NewUser, admit?: Admit): User {
    if (this.users.size >= USERS_MAX) {
      throw new AgoraStoreFullError(
        `Content Too Large: the mock keeps at most ${USERS_MAX} users; delete some first (DELETE /users/{user_id})`,
      );
    }
    const at = this.timestamp();
    const user = storedUser({
      id: randomUUID(),
      email: input.email,
      name: input.name,
      ...(input.role && { role: input.role }),
      preferences: { ...DEFAULT_PREFERENCES, ...defined(input.preferences ?? {}) },
      createdAt: at,
      lastActivity: at,
    });
    if (this.emailOwners.has(user.email.toLowerCase())) throw new DuplicateEmailError(user.email);
    checkPreferencesSize(user.preferences);
    const bytes = userFileBytes(user);
    if (admit) admit(this.sharedSnapshotWith({ user }));
    else this.checkUsersRoom(user.id, bytes);
    this.putUser(user, bytes);
    this.emit({ type: 'user-created', user: user });
    return user;
  }

  /**
   * Name, email and/or preferences (merged into the current ones); bumps lastActivity. Undefined for an unknown
   * user; throws `DuplicateEmailError`, or `AgoraDataError` for invalid fields. `admit`: as `createUser` takes it.
   */
  updateUser(id: string, patch: UserPatch, admit?: Admit): User | undefined {
    const current = this.users.get(this.canonicalUserId(id));
    if (!current) return undefined;
    const user = updatedUser(current, {
      name: patch.name ?? undefined,
      email: patch.email ?? undefined,
      role: patch.role || undefined,
      preferences: patch.preferences && { ...current.preferences, ...defined(patch.preferences) },
      lastActivity: this.timestamp(),
    });
    const owner = this.emailOwners.get(user.email.toLowerCase());
    if (owner !== undefined && owner !== current.id) throw new DuplicateEmailError(user.email);
    if (patch.preferences) checkPreferencesSize(user.preferences);
    const bytes = userFileBytes(user);
    if (admit) admit(this.sharedSnapshotWith({ user }));
    else this.checkUsersRoom(user.id, bytes);
    this.putUser(user, bytes);
    this.emit({ type: 'user-updated', user: user });
    return user;
  }

  getPreferences(userId: string): Preferences | undefined {
    const user = this.users.get(this.canonicalUserId(userId));
    return user?.preferences;
  }

  /** Merges `patch` into the user's preferences (unknown fields kept); undefined for an unknown user. */
  updatePreferences(userId: string, patch: PreferencesPatch): Preferences | undefined {
    return this.updateUser(userId, { preferences: patch })?.preferences;
  }

  /** Deletes the user and every session keyed by either of its ids; undefined for an unknown user. */
  deleteUser(id: string): { deletedSessionsCount: number } | undefined {
    const userId = this.canonicalUserId(id);
    const user = this.users.get(userId);
    if (!user) return undefined;
    const deletedSessionIds: string[] = [];
    for (const [sessionId, record] of this.sessions.entries()) {
      if (this.canonicalUserId(record.metadata.userId) !== userId) continue;
      deletedSessionIds.push(sessionId);
      this.releaseRoom(record);
    }
    for (const sessionId of deletedSessionIds) this.sessions.delete(sessionId);
    for (const [alias, target] of this.aliases) if (target === userId) this.aliases.delete(alias);
    this.users.delete(userId);
    this.usersBudget.remove(userId);
    this.emailOwners.delete(user.email.toLowerCase());
    this.usersNewestFirst = null;
    if (this.currentUserId === userId) this.currentUserId = null;
    this.emit({ type: 'user-deleted', userId, deletedSessionIds });
    return { deletedSessionsCount: deletedSessionIds.length };
  }

  // ---- sessions ----

  /** The user's sessions (keyed by id or legacy id), newest lastActivity first. */
  listSessions(userId: string, page: Page): { sessions: SessionMetadata[]; totalCount: number } {
    const owner = this.canonicalUserId(userId);
    const owned: SessionMetadata[] = [];
    for (const record of this.sessions.values()) {
      if (this.canonicalUserId(record.metadata.userId) === owner) owned.push(record.metadata);
    }
    owned.sort((a, b) => Date.parse(b.lastActivity) - Date.parse(a.lastActivity));
    return {
      sessions: owned.slice(page.offset, page.offset + page.limit),
      totalCount: owned.length,
    };
  }

  /** Every session of every user, newest lastActivity first (for the console). */
  listAllSessions(): SessionMetadata[] {
    return [...this.sessions.values()]
      .map((record) => record.metadata)
      .sort((a, b) => Date.parse(b.lastActivity) - Date.parse(a.lastActivity));
  }

  getSession(sessionId: string): SessionMetadata | undefined {
    const record = this.sessions.get(sessionId);
    return record?.metadata;
  }

  /** The session's history; `tool_call`/`tool` entries only when `includeTools`. Undefined for an unknown session. */
  getHistory(sessionId: string, options: { includeTools: boolean }): readonly HistoryMessage[] | undefined {
    const record = this.sessions.get(sessionId);
    if (!record) return undefined;
    return options.includeTools
      ? record.history.messages
      : record.history.messages.filter((message) => !TOOL_HISTORY_ROLES.has(message.role));
  }

  /**
   * A session made in the console: hand-made, so the history limits never evict from it what it starts with.
   * Throws `DuplicateSessionError`, or `AgoraDataError` for invalid fields. `admit`: as `createUser` takes it.
   */
  createSession(input: NewSession, admit?: Admit): SessionMetadata {
    const sessionId = input.sessionId ?? `session-${randomUUID()}`;
    const history = storedHistory(input.history ?? []);
    if (this.sessions.has(sessionId)) throw new DuplicateSessionError(sessionId);
    const at = this.timestamp();
    const firstUser = history.find((message) => message.role === 'user');
    const metadata = storedMetadata({
      sessionId,
      userId: input.userId,
      title: typeof input.title === 'string' ? input.title.trim().slice(0, SESSION_TITLE_MAX) : input.title,
      firstMessagePreview: oneLine(firstUser?.content ?? '', PREVIEW_MAX),
      messageCount: history.length,
      createdAt: at,
      lastActivity: at,
    });
    const record = handMadeRecord(metadata, history);
    admit?.(this.sharedSnapshotWith({ sessionId, record }));
    this.sessions.set(sessionId, record);
    this.emit({ type: 'session-created', session: metadata });
    return metadata;
  }

  /**
   * Replaces the whole history (the console's history editor); undefined for an unknown session. The edited
   * history is hand-made from then on, even in a session a run created: the limits no longer evict from it.
   * `admit`: as `createUser` takes it.
   */
  replaceHistory(sessionId: string, messages: HistoryMessage[], admit?: Admit): SessionMetadata | undefined {
    const history = storedHistory(messages);
    const record = this.sessions.get(sessionId);
    if (!record) return undefined;
    const firstUser = history.find((message) => message.role === 'user');
    const metadata = Object.freeze({
      ...record.metadata,
      firstMessagePreview: oneLine(firstUser?.content ?? '', PREVIEW_MAX),
      messageCount: history.length,
      lastActivity: this.timestamp(),
    });
    const replaced = handMadeRecord(metadata, history);
    admit?.(this.sharedSnapshotWith({ sessionId, record: replaced }));
    this.sessions.set(sessionId, replaced);
    this.emit({ type: 'history-replaced', session: metadata });
    return metadata;
  }

  /**
   * Sets the title (whitespace trimmed, cut to 200 characters) and, from the console, the owner, when given;
   * always bumps lastActivity. `admit`: as `createUser` takes it.
   */
  updateSession(
    sessionId: string,
    patch: { title?: string; userId?: string },
    admit?: Admit,
  ): SessionMetadata | undefined {
    const record = this.sessions.get(sessionId);
    if (!record) return undefined;
    const metadata = storedMetadata({
      ...record.metadata,
      userId: patch.userId ?? record.metadata.userId,
      title: typeof patch.title === 'string' ? patch.title.trim().slice(0, SESSION_TITLE_MAX) : record.metadata.title,
      lastActivity: this.timestamp(),
    });
    const updated = { ...record, metadata };
    if (admit) admit(this.sharedSnapshotWith({ sessionId, record: updated }));
    else this.chargeMetadata(record, metadata, true);
    this.sessions.set(sessionId, updated);
    this.emit({ type: 'session-updated', session: metadata });
    return metadata;
  }

  deleteSession(sessionId: string): boolean {
    const record = this.sessions.get(sessionId);
    if (!record) return false;
    this.sessions.delete(sessionId);
    this.releaseRoom(record);
    this.emit({ type: 'session-deleted', sessionId });
    return true;
  }

  /**
   * A WebSocket run started on `threadId`: creates the session when it is new (owned by `userId`, or by the
   * current user when the client sent none; title and preview from `userText`), appends `userText` as the
   * run's user message when it is not empty, and bumps lastActivity. What the run produces afterwards goes in
   * with `appendHistory` — do not append the user message there again. Throws for an empty `threadId`.
   *
   * What runs record is bounded by the history limits (`maxRecordedMessagesPerSession`, `maxRecordedMessages`,
   * `maxRecordedBytes`, `maxRecordedSessions`): when a recording passes one, the oldest recorded history is
   * evicted (see `planEviction`) and a `history-evicted` change says what went. Hand-made messages are never
   * evicted.
   */
  recordRunStart(threadId: string, userId: string | null, userText: string): SessionMetadata {
    if (threadId === '') throw new Error('a run needs a threadId to be recorded as a session');
    const at = this.timestamp();
    const messages = storedHistory(userText === '' ? [] : [{ role: 'user', content: userText }]);
    const existing = this.sessions.get(threadId);
    const record = existing ?? {
      metadata: storedMetadata({
        sessionId: threadId,
        userId: userId || this.currentUserId || 'anonymous',
        title: runTitle(userText),
        firstMessagePreview: oneLine(userText, PREVIEW_MAX),
        messageCount: 0,
        createdAt: at,
        lastActivity: at,
      }),
      history: SessionHistory.of([]),
      recorded: 0,
      recordedBytes: 0,
      byRun: true,
    };
    const metadata = this.record(
      threadId,
      record,
      messages,
      at,
      record.metadata.firstMessagePreview || userText,
      !existing,
    );
    this.touchUser(metadata.userId, at);
    return metadata;
  }

  /**
   * Appends what a run produced (assistant answers, tool calls and results), within the history limits (see
   * `recordRunStart`). Throws, changing nothing, when a message is invalid; undefined (nothing recorded) when
   * the session does not exist, e.g. deleted mid-run.
   */
  appendHistory(threadId: string, messages: HistoryMessage[]): SessionMetadata | undefined {
    const valid = storedHistory(messages);
    const record = this.sessions.get(threadId);
    if (!record) return undefined;
    const metadata = this.record(threadId, record, valid, this.timestamp(), record.metadata.firstMessagePreview, false);
    return metadata;
  }

  /**
   * Makes room in the workspace file (a save or an export found it too large): the oldest recorded history gives way,
   * as to the history limits (`planRoom`), and a `history-evicted` change says what went. Nothing goes when all of it
   * would not make the room needed. Returns how many sessions runs created were removed and how many recorded
   * messages went, or undefined when nothing did.
   */
  makeRoom(room: FileRoom): { deletedSessions: number; removedMessages: number } | undefined {
    const plan = planRoom(this.sessions, room, storedSession);
    if (!plan) return undefined;
    this.applyEviction(plan);
    this.announceEviction(plan);
    return { deletedSessions: plan.deleted.length, removedMessages: plan.removedMessages };
  }

  /** What `makeRoom` could free at most (`RunningPack.evictableBytes`): the recorded history, as the file writes it. */
  evictableBytes(fileBytes: FileRoom['fileBytes']): number {
    return evictableBytes(this.sessions, fileBytes, storedSession);
  }

  // ---- internals ----

  /**
   * A session's metadata changed in place of `record`'s: unless a run made the session (it gives way whole), what it
   * grew by is charged to the room for clients' writes — refused first, when `refuse`, if it does not fit.
   */
  private chargeMetadata(record: SessionRecord, metadata: SessionMetadata, refuse: boolean): void {
    const room = this.clientRoom;
    if (!room || record.byRun) return;
    const before = metadataFileBytes(record.metadata);
    const after = metadataFileBytes(metadata);
    if (refuse && !room.fits(before, after)) {
      throw new AgoraStoreFullError(
        room.refusal(
          `this session's new title (${after - before} bytes more)`,
          'delete users or sessions first (DELETE /users/{user_id}, DELETE /sessions/{session_id})',
        ),
      );
    }
    room.charge(before, after);
  }

  /**
   * A session deleted gives back at once what it took of the room for clients' writes, as a 413 tells clients to do:
   * its hand-made part as the file writes it. What runs recorded was never in that room (it gives way to the history
   * limits and to a save that needs room), and neither is a session a run created.
   */
  private releaseRoom(record: SessionRecord): void {
    if (!this.clientRoom || record.byRun) return;
    this.clientRoom.charge(sessionFileBytes(storedSession(handMadePart(record))), 0);
  }

  /** Stores what a run recorded into the session, evicts what the limits say, and announces both. */
  private record(
    threadId: string,
    record: SessionRecord,
    messages: readonly HistoryMessage[],
    at: string,
    preview: string,
    created: boolean,
  ): SessionMetadata {
    const limits = this.historyLimits();
    const recording = withRecorded(record, messages, limits, {
      firstMessagePreview: oneLine(preview, PREVIEW_MAX),
      lastActivity: at,
    });
    const stored = recording.record;
    const eviction = planEviction(this.sessions, { id: threadId, recording }, limits);
    // A run is never refused: what it adds to a session made by hand only leaves clients' writes less room.
    this.chargeMetadata(record, stored.metadata, false);
    this.sessions.set(threadId, stored);
    if (eviction) this.applyEviction(eviction);
    const session = stored.metadata;
    this.emit(
      created
        ? { type: 'session-created', session }
        : { type: 'history-appended', session, appendedMessages: messages.length },
    );
    if (eviction) this.announceEviction(eviction);
    return stored.metadata;
  }

  /** Stores what an eviction leaves; cannot fail. */
  private applyEviction(plan: EvictionPlan): void {
    for (const [sessionId, trimmed] of plan.trimmed) this.sessions.set(sessionId, trimmed);
    for (const sessionId of plan.deleted) this.sessions.delete(sessionId);
  }

  private announceEviction(plan: EvictionPlan): void {
    this.emit({
      type: 'history-evicted',
      limits: plan.limits,
      removedMessages: plan.removedMessages,
      trimmedSessions: [...plan.trimmed.values()].map((trimmed) => trimmed.metadata),
      deletedSessionIds: plan.deleted,
    });
  }

  /** A run counts as the user's activity; unknown or anonymous owners are left alone. */
  private touchUser(userId: string, at: string): void {
    const user = this.users.get(this.canonicalUserId(userId));
    if (!user) return;
    // A shallow copy of a stored (valid, frozen) user with a fresh timestamp: nothing to check again.
    const updated = Object.freeze({ ...user, lastActivity: at });
    // Only an ISO timestamp changed (ASCII, nothing JSON escapes): the user's size changes by the difference in
    // length, with no user written out for each run.
    this.putUser(updated, this.usersBudget.bytesOf(user.id) + at.length - user.lastActivity.length);
    this.emit({ type: 'user-updated', user: updated });
  }

  private canonicalUserId(id: string): string {
    return this.aliases.get(id) ?? id;
  }

  /**
   * A client's write of a user (one the console did not make, whose `admit` weighs the whole workspace instead) is
   * refused when the users would take more than their share of the workspace file.
   */
  private checkUsersRoom(userId: string, bytes: number): void {
    if (!this.usersBudget.fits(userId, bytes)) {
      throw new AgoraStoreFullError(
        `Content Too Large: the mock's users hold at most ${this.usersBudget.limit / 1024 / 1024} MiB as the workspace file writes them, and this user (${bytes} bytes) does not fit: delete users first (DELETE /users/{user_id})`,
      );
    }
    if (this.clientRoom && !this.clientRoom.fits(this.usersBudget.bytesOf(userId), bytes)) {
      throw new AgoraStoreFullError(
        this.clientRoom.refusal(`this user (${bytes} bytes)`, 'delete users first (DELETE /users/{user_id})'),
      );
    }
  }

  /**
   * Stores a user that `storedUser` made, `bytes` its size in the file; nothing here can fail, so the indexes never
   * go out of step.
   */
  private putUser(user: User, bytes: number): void {
    const previous = this.users.get(user.id);
    if (previous) this.emailOwners.delete(previous.email.toLowerCase());
    this.users.set(user.id, user);
    this.usersBudget.put(user.id, bytes);
    this.emailOwners.set(user.email.toLowerCase(), user.id);
    this.usersNewestFirst = null;
  }

  private timestamp(): string {
    // A run stamps its session and user several times within the same millisecond: format each millisecond once.
    const now = this.now();
    if (now !== this.stamped.at) this.stamped = { at: now, text: new Date(now).toISOString() };
    return this.stamped.text;
  }

  private emit(change: AgoraChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger?.error(`AGORA store listener failed on ${change.type}`, error);
      }
    }
  }
}

/** A session whose whole history was made by hand (the console, the API): nothing in it for the limits to evict. */
function handMadeRecord(metadata: SessionMetadata, history: readonly HistoryMessage[]): SessionRecord {
  return { metadata, history: SessionHistory.of(history), recorded: 0, recordedBytes: 0, byRun: false };
}

/**
 * `value` as the store keeps it, or an `AgoraDataError`: no deeper than `maxDepth` (checked first and without
 * recursion, so a hostile value costs nothing more), plain JSON (a JSON round trip, so what is served is what is
 * saved and nothing the caller holds is shared), and valid against `schema`.
 */
function storable<T>(schema: z.ZodType<T>, value: unknown, what: string, maxDepth = RECORD_MAX_DEPTH): T {
  if (exceedsJsonDepth(value, maxDepth)) {
    throw new AgoraDataError([{ path: what, message: `nested deeper than ${maxDepth} levels` }]);
  }
  let plain: unknown;
  try {
    plain = JSON.parse(JSON.stringify(value) ?? 'null');
  } catch (error) {
    throw new AgoraDataError([{ path: what, message: `not representable as JSON: ${(error as Error).message}` }]);
  }
  return valid(schema, plain, what);
}

/** `value` parsed by `schema`, or an `AgoraDataError` with its issues under `what`. */
function valid<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AgoraDataError(
      parsed.error.issues.map((issue) => ({ path: [what, ...issue.path].join('.'), message: issue.message })),
    );
  }
  return parsed.data;
}

/** A plain object whose every field is a string, a boolean or null, or one `nested` accepts. */
function isFlatRecord(value: unknown, nested: (key: string, value: unknown) => boolean): boolean {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const [key, field] of Object.entries(value)) {
    if (field !== null && typeof field !== 'string' && typeof field !== 'boolean' && !nested(key, field)) return false;
  }
  return true;
}

function storedUser(value: unknown): User {
  return deepFreeze(storable(UserSchema, value, 'user'));
}

/** The fields an update can change, each optional: what `updatedUser` checks. */
const UserChangesSchema = UserSchema.pick({
  email: true,
  name: true,
  role: true,
  preferences: true,
  lastActivity: true,
}).partial();

/**
 * `current` (a stored user: valid, frozen) with `changes` (undefined: unchanged), as `storedUser` would store the
 * whole but checking only the changed fields: a user's other fields are scalars, so its depth is theirs, and what
 * is refused is refused with the same issues. Checking (and round-tripping) the whole user was about a tenth of the
 * CPU of a `PUT /users/me/preferences`.
 */
function updatedUser(current: User, changes: z.input<typeof UserChangesSchema>): User {
  const given = defined(changes);
  // Strings, booleans and null, and preferences made of them (what a REST update sends), are plain JSON two levels
  // deep that the round trip would give back unchanged, and zod copies what it keeps: only the schema is left.
  const checked = isFlatRecord(given, (key, value) => key === 'preferences' && isFlatRecord(value, () => false))
    ? valid(UserChangesSchema, given, 'user')
    : storable(UserChangesSchema, given, 'user');
  // In UserSchema's key order, as parsing the whole user gives it.
  const { email = current.email, name = current.name, preferences = current.preferences } = checked;
  const role = checked.role ?? current.role;
  return deepFreeze({
    id: current.id,
    email,
    name,
    ...(role && { role }),
    preferences,
    createdAt: current.createdAt,
    lastActivity: checked.lastActivity ?? current.lastActivity,
  });
}

function storedMetadata(value: unknown): SessionMetadata {
  return Object.freeze(storable(SessionMetadataSchema, value, 'session'));
}

function storedHistory(messages: unknown): readonly HistoryMessage[] {
  const direct = HistorySchema.safeParse(messages);
  // A history of plain objects whose every field the schema kept as a string (what every run records) is what
  // the depth check and the JSON round trip would let through unchanged: the copy zod made is stored as it is.
  // Anything else takes the full check, and its error.
  const valid =
    direct.success && direct.data.every((message, index) => isFlatCopy((messages as unknown[])[index], message))
      ? direct.data
      : storable(HistorySchema, messages, 'history');
  for (const message of valid) Object.freeze(message);
  return Object.freeze(valid);
}

/** `input` is a plain object with exactly the fields of `message`, each a string. */
function isFlatCopy(input: unknown, message: HistoryMessage): boolean {
  if (Object.getPrototypeOf(input) !== Object.prototype) return false;
  const keys = Object.keys(input as object);
  if (keys.length !== Object.keys(message).length) return false;
  for (const key of keys) if (typeof (message as Record<string, unknown>)[key] !== 'string') return false;
  return true;
}

/**
 * A loaded session: counts follow the history, and a session a run created is all recorded. Its parts are kept as
 * given where they hold that already (frozen in place: see `AgoraStore.load`).
 */
function loadedSession(session: StoredSession): SessionRecord {
  for (const message of session.history) Object.freeze(message);
  const history = SessionHistory.of(Object.freeze(session.history));
  const byRun = session.recordedByRun === true;
  const recorded = byRun ? history.length : (session.recordedMessages ?? 0);
  const { metadata } = session;
  return {
    metadata: Object.freeze(
      metadata.messageCount === history.length ? metadata : { ...metadata, messageCount: history.length },
    ),
    history,
    recorded,
    recordedBytes: recordedBytesOfRange(history, history.length - recorded, recorded),
    byRun,
  };
}

/** The values of `entries` with `value` in place of the one under `key`, or added last. */
function withEntry<V>(entries: Iterable<[string, V]>, key: string, value: V): V[] {
  const values: V[] = [];
  let found = false;
  for (const [at, kept] of entries) {
    found ||= at === key;
    values.push(at === key ? value : kept);
  }
  if (!found) values.push(value);
  return values;
}

/** Each record's `storedSession`, made once: a record never changes (an edit stores a new one). */
const storedSessions = new WeakMap<SessionRecord, StoredSession>();

/**
 * A session in the workspace format: the recording marks only where there is something to mark. The same frozen
 * object for the same record, so every snapshot shares the sessions an edit left alone, and a reader that remembers
 * what it measured by identity (`DocumentBytes`, on each console edit and save) does not look at them again.
 */
function storedSession(record: SessionRecord): StoredSession {
  let stored = storedSessions.get(record);
  if (!stored) {
    stored = Object.freeze({
      metadata: record.metadata,
      history: record.history.messages as HistoryMessage[],
      ...(record.byRun ? { recordedByRun: true } : record.recorded > 0 && { recordedMessages: record.recorded }),
    });
    storedSessions.set(record, stored);
  }
  return stored;
}

/** What the schema cannot see: unique emails, a current user that exists, recorded counts within histories. */
export function checkConsistency(data: AgoraData): void {
  const emails = new Set<string>();
  const userIds = new Set<string>();
  for (const user of data.users) {
    if (userIds.has(user.id)) throw new Error(`user ${user.id} appears twice`);
    userIds.add(user.id);
    const email = user.email.toLowerCase();
    if (emails.has(email)) throw new DuplicateEmailError(user.email);
    emails.add(email);
  }
  if (data.currentUserId !== null && !data.users.some((user) => user.id === data.currentUserId)) {
    throw new Error(`currentUserId ${data.currentUserId} is not one of the users`);
  }
  const sessionIds = new Set<string>();
  for (const { metadata, history, recordedMessages } of data.sessions) {
    if (sessionIds.has(metadata.sessionId)) throw new Error(`session ${metadata.sessionId} appears twice`);
    sessionIds.add(metadata.sessionId);
    if ((recordedMessages ?? 0) > history.length) {
      throw new Error(
        `session ${metadata.sessionId}: recordedMessages (${recordedMessages}) is more than its ${history.length} messages`,
      );
    }
  }
}

/** A patch without its undefined fields, which mean "unchanged" rather than "remove". */
function defined(patch: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}

function runTitle(text: string): string {
  return oneLine(text, RUN_TITLE_MAX) || 'Nieuwe sessie';
}

/** Preferences merge the fields each update adds: bounded as the file writes them. */
function checkPreferencesSize(preferences: Preferences): void {
  const chars = JSON.stringify(preferences).length;
  if (chars > PREFERENCES_MAX_CHARS) {
    throw new AgoraStoreFullError(
      `Content Too Large: a user's preferences may take ${PREFERENCES_MAX_CHARS} characters as JSON, and these would take ${chars}: send fewer or shorter fields`,
    );
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
