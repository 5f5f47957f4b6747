import { randomUUID } from 'node:crypto';
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
  TOOL_HISTORY_ROLES,
  type User,
  UserSchema,
} from '../../shared/agora-model';
import type { Logger } from '../support/logger';

export type { AgoraChange };

import { agoraSeed } from './agora-seed';

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
}

export interface UserPatch {
  name?: string;
  /** Console edits only; the mocked REST API never changes an email. */
  email?: string;
  preferences?: PreferencesPatch;
}

export interface NewUser {
  email: string;
  name: string;
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

interface SessionRecord {
  metadata: SessionMetadata;
  /** Entries are frozen; the array itself only grows through `appendHistory`/`recordRunStart`. */
  history: HistoryMessage[];
}

/**
 * The AGORA profile's data: users, the current user, sessions with their histories. Everything is validated
 * before anything changes, so a rejected call leaves the store as it was. Stored values are frozen and never
 * handed out; readers get copies. Every change is announced to subscribers.
 */
export class AgoraStore {
  private users = new Map<string, User>();
  private emailOwners = new Map<string, string>();
  private aliases = new Map<string, string>();
  private sessions = new Map<string, SessionRecord>();
  private currentUserId: string | null = null;
  private usersNewestFirst: User[] | null = null;
  private listeners = new Set<AgoraChangeListener>();
  private readonly seed: AgoraData;
  private readonly now: () => number;
  private readonly logger: Logger | undefined;

  constructor(options: AgoraStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
    this.seed = agoraSeed(options.startedAt ?? this.now());
    this.load(this.seed);
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

  /** Replaces everything (a workspace being loaded); throws, changing nothing, when `data` is invalid. */
  replace(data: AgoraData): void {
    const valid = AgoraDataSchema.parse(data);
    checkConsistency(valid);
    this.load(valid);
    this.emit({ type: 'reset' });
  }

  /** A deep copy of everything, in the workspace format. */
  snapshot(): AgoraData {
    return structuredClone({
      users: [...this.users.values()],
      currentUserId: this.currentUserId,
      userAliases: Object.fromEntries(this.aliases),
      sessions: [...this.sessions.values()],
    });
  }

  /**
   * `snapshot()` without the copying, for readers that only serialise (a workspace save): users, session metadata
   * and history entries are the stored, frozen values; the lists are copied, so later changes do not show.
   * Consistent as of the call, however long the reader takes. Read only.
   */
  sharedSnapshot(): AgoraData {
    return {
      users: [...this.users.values()],
      currentUserId: this.currentUserId,
      userAliases: Object.fromEntries(this.aliases),
      sessions: [...this.sessions.values()].map(({ metadata, history }) => ({ metadata, history: [...history] })),
    };
  }

  // ---- users ----

  /** Newest `createdAt` first, as AGORA's mock lists them (HAI selects the first). */
  listUsers(page: Page): { users: User[]; totalCount: number } {
    this.usersNewestFirst ??= [...this.users.values()].sort(
      (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt),
    );
    return {
      users: this.usersNewestFirst.slice(page.offset, page.offset + page.limit).map(copyUser),
      totalCount: this.usersNewestFirst.length,
    };
  }

  /** By id or legacy id (`koen`). */
  getUser(id: string): User | undefined {
    const user = this.users.get(this.canonicalUserId(id));
    return user && copyUser(user);
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

  /** A new user with default preferences. Throws `DuplicateEmailError`, or a ZodError for an invalid email/name. */
  createUser(input: NewUser): User {
    if (this.emailOwners.has(input.email.toLowerCase())) throw new DuplicateEmailError(input.email);
    const at = this.timestamp();
    const user = UserSchema.parse({
      id: randomUUID(),
      email: input.email,
      name: input.name,
      preferences: { ...DEFAULT_PREFERENCES, ...input.preferences },
      createdAt: at,
      lastActivity: at,
    });
    this.putUser(user);
    this.emit({ type: 'user-created', user: copyUser(user) });
    return copyUser(user);
  }

  /** Name and/or preferences (merged into the current ones); bumps lastActivity. Undefined for an unknown user. */
  updateUser(id: string, patch: UserPatch): User | undefined {
    const current = this.users.get(this.canonicalUserId(id));
    if (!current) return undefined;
    const owner = patch.email === undefined ? undefined : this.emailOwners.get(patch.email.toLowerCase());
    if (patch.email !== undefined && owner !== undefined && owner !== current.id)
      throw new DuplicateEmailError(patch.email);
    const user = UserSchema.parse({
      ...current,
      name: patch.name ?? current.name,
      email: patch.email ?? current.email,
      preferences: patch.preferences ? { ...current.preferences, ...defined(patch.preferences) } : current.preferences,
      lastActivity: this.timestamp(),
    });
    this.putUser(user);
    this.emit({ type: 'user-updated', user: copyUser(user) });
    return copyUser(user);
  }

  getPreferences(userId: string): Preferences | undefined {
    const user = this.users.get(this.canonicalUserId(userId));
    return user && { ...user.preferences };
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
    for (const [sessionId, record] of this.sessions) {
      if (this.canonicalUserId(record.metadata.userId) === userId) deletedSessionIds.push(sessionId);
    }
    for (const sessionId of deletedSessionIds) this.sessions.delete(sessionId);
    for (const [alias, target] of this.aliases) if (target === userId) this.aliases.delete(alias);
    this.users.delete(userId);
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
      sessions: owned.slice(page.offset, page.offset + page.limit).map(copySession),
      totalCount: owned.length,
    };
  }

  /** Every session of every user, newest lastActivity first (for the console). */
  listAllSessions(): SessionMetadata[] {
    return [...this.sessions.values()]
      .map((record) => copySession(record.metadata))
      .sort((a, b) => Date.parse(b.lastActivity) - Date.parse(a.lastActivity));
  }

  getSession(sessionId: string): SessionMetadata | undefined {
    const record = this.sessions.get(sessionId);
    return record && copySession(record.metadata);
  }

  /** The session's history; `tool_call`/`tool` entries only when `includeTools`. Undefined for an unknown session. */
  getHistory(sessionId: string, options: { includeTools: boolean }): HistoryMessage[] | undefined {
    const record = this.sessions.get(sessionId);
    if (!record) return undefined;
    const history = options.includeTools
      ? record.history
      : record.history.filter((message) => !TOOL_HISTORY_ROLES.has(message.role));
    return history.map((message) => ({ ...message }));
  }

  /** A session made in the console. Throws `DuplicateSessionError`, or a ZodError for invalid fields. */
  createSession(input: NewSession): SessionMetadata {
    const sessionId = input.sessionId ?? `session-${randomUUID()}`;
    if (this.sessions.has(sessionId)) throw new DuplicateSessionError(sessionId);
    const history = (input.history ?? []).map((message) => HistoryMessageSchema.parse(message));
    const at = this.timestamp();
    const metadata = SessionMetadataSchema.parse({
      sessionId,
      userId: input.userId,
      title: input.title.trim().slice(0, SESSION_TITLE_MAX),
      firstMessagePreview: '',
      messageCount: 0,
      createdAt: at,
      lastActivity: at,
    });
    const record: SessionRecord = { metadata: Object.freeze(metadata), history: [] };
    const firstUser = history.find((message) => message.role === 'user');
    const created = this.append(record, history, at, firstUser?.content ?? '');
    this.sessions.set(sessionId, record);
    this.emit({ type: 'session-created', session: copySession(created) });
    return copySession(created);
  }

  /** Replaces the whole history (the console's history editor); undefined for an unknown session. */
  replaceHistory(sessionId: string, messages: HistoryMessage[]): SessionMetadata | undefined {
    const valid = messages.map((message) => HistoryMessageSchema.parse(message));
    const record = this.sessions.get(sessionId);
    if (!record) return undefined;
    record.history = [];
    const firstUser = valid.find((message) => message.role === 'user');
    const metadata = this.append(record, valid, this.timestamp(), firstUser?.content ?? '');
    this.emit({ type: 'history-replaced', session: copySession(metadata) });
    return copySession(metadata);
  }

  /**
   * Sets the title (whitespace trimmed, cut to 200 characters) and, from the console, the owner, when given;
   * always bumps lastActivity.
   */
  updateSession(sessionId: string, patch: { title?: string; userId?: string }): SessionMetadata | undefined {
    const record = this.sessions.get(sessionId);
    if (!record) return undefined;
    const metadata = SessionMetadataSchema.parse({
      ...record.metadata,
      userId: patch.userId ?? record.metadata.userId,
      title: patch.title === undefined ? record.metadata.title : patch.title.trim().slice(0, SESSION_TITLE_MAX),
      lastActivity: this.timestamp(),
    });
    record.metadata = Object.freeze(metadata);
    this.emit({ type: 'session-updated', session: copySession(metadata) });
    return copySession(metadata);
  }

  deleteSession(sessionId: string): boolean {
    if (!this.sessions.delete(sessionId)) return false;
    this.emit({ type: 'session-deleted', sessionId });
    return true;
  }

  /**
   * A WebSocket run started on `threadId`: creates the session when it is new (owned by `userId`, or by the
   * current user when the client sent none; title and preview from `userText`), appends `userText` as the
   * run's user message when it is not empty, and bumps lastActivity. What the run produces afterwards goes in
   * with `appendHistory` — do not append the user message there again. Throws for an empty `threadId`.
   */
  recordRunStart(threadId: string, userId: string | null, userText: string): SessionMetadata {
    if (threadId === '') throw new Error('a run needs a threadId to be recorded as a session');
    const at = this.timestamp();
    const message: HistoryMessage[] = userText === '' ? [] : [{ role: 'user', content: userText }];
    let record = this.sessions.get(threadId);
    const created = !record;
    if (!record) {
      const metadata = SessionMetadataSchema.parse({
        sessionId: threadId,
        userId: userId || this.currentUserId || 'anonymous',
        title: runTitle(userText),
        firstMessagePreview: shorten(userText, PREVIEW_MAX),
        messageCount: 0,
        createdAt: at,
        lastActivity: at,
      });
      record = { metadata: Object.freeze(metadata), history: [] };
      this.sessions.set(threadId, record);
    }
    const metadata = this.append(record, message, at, record.metadata.firstMessagePreview || userText);
    this.emit(
      created ? { type: 'session-created', session: copySession(metadata) } : this.historyChange(metadata, message),
    );
    this.touchUser(metadata.userId, at);
    return copySession(metadata);
  }

  /**
   * Appends what a run produced (assistant answers, tool calls and results). Throws, changing nothing, when a
   * message is invalid; undefined (nothing recorded) when the session does not exist, e.g. deleted mid-run.
   */
  appendHistory(threadId: string, messages: HistoryMessage[]): SessionMetadata | undefined {
    const valid = messages.map((message) => HistoryMessageSchema.parse(message));
    const record = this.sessions.get(threadId);
    if (!record) return undefined;
    const at = this.timestamp();
    const metadata = this.append(record, valid, at, record.metadata.firstMessagePreview);
    this.emit(this.historyChange(metadata, valid));
    return copySession(metadata);
  }

  // ---- internals ----

  private append(record: SessionRecord, messages: HistoryMessage[], at: string, preview: string): SessionMetadata {
    for (const message of messages) record.history.push(Object.freeze({ ...message }));
    record.metadata = Object.freeze({
      ...record.metadata,
      firstMessagePreview: shorten(preview, PREVIEW_MAX),
      messageCount: record.history.length,
      lastActivity: at,
    });
    return record.metadata;
  }

  private historyChange(metadata: SessionMetadata, messages: HistoryMessage[]): AgoraChange {
    return {
      type: 'history-appended',
      session: copySession(metadata),
      messages: messages.map((message) => ({ ...message })),
    };
  }

  /** A run counts as the user's activity; unknown or anonymous owners are left alone. */
  private touchUser(userId: string, at: string): void {
    const user = this.users.get(this.canonicalUserId(userId));
    if (!user) return;
    const updated = { ...user, lastActivity: at };
    this.putUser(updated, true);
    this.emit({ type: 'user-updated', user: copyUser(updated) });
  }

  private canonicalUserId(id: string): string {
    return this.aliases.get(id) ?? id;
  }

  /**
   * Stores a deep-frozen copy. `alreadyStored`: the user is a shallow copy of a stored (frozen) one, so nothing
   * in it belongs to a caller and the clone can be skipped — the per-run activity bump relies on that.
   */
  private putUser(user: User, alreadyStored = false): void {
    const previous = this.users.get(user.id);
    if (previous) this.emailOwners.delete(previous.email.toLowerCase());
    this.users.set(user.id, alreadyStored ? Object.freeze(user) : deepFreeze(structuredClone(user)));
    this.emailOwners.set(user.email.toLowerCase(), user.id);
    this.usersNewestFirst = null;
  }

  private load(data: AgoraData): void {
    this.users.clear();
    this.emailOwners.clear();
    this.sessions.clear();
    this.aliases = new Map(Object.entries(data.userAliases));
    for (const user of data.users) this.putUser(user);
    for (const session of data.sessions) {
      this.sessions.set(session.metadata.sessionId, {
        metadata: Object.freeze({ ...session.metadata }),
        history: session.history.map((message) => Object.freeze({ ...message })),
      });
    }
    this.currentUserId = data.currentUserId;
  }

  private timestamp(): string {
    return new Date(this.now()).toISOString();
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

/** What the schema cannot see: unique emails and a current user that exists. */
function checkConsistency(data: AgoraData): void {
  const emails = new Set<string>();
  for (const user of data.users) {
    const email = user.email.toLowerCase();
    if (emails.has(email)) throw new DuplicateEmailError(user.email);
    emails.add(email);
  }
  if (data.currentUserId !== null && !data.users.some((user) => user.id === data.currentUserId)) {
    throw new Error(`currentUserId ${data.currentUserId} is not one of the users`);
  }
}

/** Stored users are deep-frozen, so copying the two levels a caller can reach by assignment is enough. */
function copyUser(user: User): User {
  return { ...user, preferences: { ...user.preferences } };
}

function copySession(metadata: SessionMetadata): SessionMetadata {
  return { ...metadata };
}

/** A patch without its undefined fields, which mean "unchanged" rather than "remove". */
function defined(patch: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}

function runTitle(text: string): string {
  return shorten(text, RUN_TITLE_MAX) || 'Nieuwe sessie';
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
