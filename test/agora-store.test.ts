import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sessionFileBytes, userFileBytes } from '../src/server/packs/agora/store/agora-file-bytes';
import { FATIMA_ID, JAN_ID, KOEN_ID } from '../src/server/packs/agora/store/agora-seed';
import {
  type AgoraChange,
  AgoraDataError,
  AgoraStore,
  type AgoraStoreFullError,
  DuplicateEmailError,
  PREFERENCES_MAX_CHARS,
  RECORD_MAX_DEPTH,
  USERS_MAX,
} from '../src/server/packs/agora/store/agora-store';
import type { HistoryLimits } from '../src/server/packs/agora/store/recorded-history';
import { PACK_DATA_ITEM_LEVEL } from '../src/server/packs/pack-definition';
import { ClientRoom } from '../src/server/workspace/client-room';
import { itemFileBytes } from '../src/server/workspace/document-bytes';
import { decodeWorkspaceText, encodeWorkspace } from '../src/server/workspace/workspace-codec';
import { AgoraDataSchema, type HistoryMessage, type StoredSession, type User } from '../src/shared/agora-model';
import { DEFAULT_SETTINGS } from '../src/shared/settings';
import { WORKSPACE_VERSION } from '../src/shared/workspace';
import { agoraData } from './helpers/agora';
import { errorLogger } from './helpers/error-logger';

const STARTED = Date.parse('2025-03-01T12:00:00.000Z');
const ALL = { limit: 100, offset: 0 };

/** A store on a clock that only moves when a test says so. */
function pinnedStore() {
  let now = STARTED;
  const store = new AgoraStore({ startedAt: STARTED, now: () => now });
  const changes: AgoraChange[] = [];
  store.subscribe((change) => changes.push(change));
  return { store, changes, advance: (ms: number) => (now += ms) };
}

test('the seed is valid, and every session counts exactly its history', () => {
  const { store } = pinnedStore();
  const data = AgoraDataSchema.parse(store.snapshot());
  assert.deepEqual(
    data.sessions.map((session) => [session.metadata.sessionId, session.metadata.messageCount, session.history.length]),
    [
      ['session-koen-bella-rosa', 8, 8],
      ['session-koen-hotel-sunset', 15, 15],
      ['session-fatima-bakery', 6, 6],
      ['session-jan-supermarket', 4, 4],
    ],
  );
  assert.ok(data.sessions.some((session) => session.history.some((message) => message.role === 'tool_call')));
  assert.equal(data.currentUserId, KOEN_ID);
  const lastActivity = Object.fromEntries(data.users.map((user) => [user.id, Date.parse(user.lastActivity)]));
  assert.equal(lastActivity[KOEN_ID], STARTED - 30 * 60_000);
  assert.equal(lastActivity[FATIMA_ID], STARTED - 24 * 3_600_000);
  assert.equal(lastActivity[JAN_ID], STARTED - 3 * 24 * 3_600_000);
});

test('legacy ids and UUIDs find the same user and the same sessions', () => {
  const { store } = pinnedStore();
  assert.equal(store.getUser('koen')?.id, KOEN_ID);
  assert.deepEqual(store.listSessions('koen', ALL), store.listSessions(KOEN_ID, ALL));
  assert.equal(store.listSessions(KOEN_ID, ALL).totalCount, 2);
});

test('returned objects are the stored, frozen values: changing them throws and leaves the store alone', () => {
  const { store } = pinnedStore();
  const user = store.getUser(KOEN_ID);
  assert.ok(user);
  assert.throws(() => {
    user.name = 'Changed';
  }, TypeError);
  assert.throws(() => {
    user.preferences.theme = 'dark';
  }, TypeError);
  const listed = store.listUsers(ALL).users[0];
  assert.ok(listed);
  assert.throws(() => {
    listed.email = 'x@y.nl';
  }, TypeError);
  const session = store.getSession('session-jan-supermarket');
  assert.ok(session);
  assert.throws(() => {
    session.title = 'Changed';
  }, TypeError);
  const history = store.getHistory('session-jan-supermarket', { includeTools: true }) as HistoryMessage[];
  assert.ok(history?.[0]);
  const first = history[0];
  assert.throws(() => {
    first.content = 'Changed';
  }, TypeError);
  assert.throws(() => {
    history.length = 0;
  }, TypeError);
  const preferences = store.getPreferences(KOEN_ID);
  assert.ok(preferences);
  assert.throws(() => {
    preferences.language = 'en-GB';
  }, TypeError);

  assert.equal(store.getUser(KOEN_ID)?.name, 'Koen van den Berg');
  assert.equal(store.getUser(KOEN_ID)?.preferences.theme, 'light');
  assert.equal(store.getPreferences(KOEN_ID)?.language, 'nl-NL');
  assert.notEqual(store.listUsers(ALL).users[0]?.email, 'x@y.nl');
  assert.notEqual(store.getSession('session-jan-supermarket')?.title, 'Changed');
  assert.equal(store.getHistory('session-jan-supermarket', { includeTools: true })?.length, 4);
});

test('values handed to the store are copied too: the caller keeps no handle on stored data', () => {
  const { store } = pinnedStore();
  const extra = { weekly: true };
  store.updatePreferences(KOEN_ID, { email_reports: extra });
  extra.weekly = false;
  assert.deepEqual(store.getPreferences(KOEN_ID)?.email_reports, { weekly: true });
  const message: HistoryMessage = { role: 'assistant', content: 'Hallo' };
  store.appendHistory('session-jan-supermarket', [message]);
  message.content = 'Changed';
  assert.equal(store.getHistory('session-jan-supermarket', { includeTools: false })?.at(-1)?.content, 'Hallo');
});

test('recordRunStart creates a session from the first user message and appends it', () => {
  const { store, changes, advance } = pinnedStore();
  advance(1000);
  const created = store.recordRunStart('thread-1', KOEN_ID, '  Start inspectie bij   Restaurant Bella Rosa  ');
  assert.deepEqual(created, {
    sessionId: 'thread-1',
    userId: KOEN_ID,
    title: 'Start inspectie bij Restaurant Bella Rosa',
    firstMessagePreview: 'Start inspectie bij Restaurant Bella Rosa',
    messageCount: 1,
    createdAt: '2025-03-01T12:00:01.000Z',
    lastActivity: '2025-03-01T12:00:01.000Z',
  });
  assert.deepEqual(
    changes.map((change) => change.type),
    ['session-created', 'user-updated'],
  );
  assert.equal(store.getUser(KOEN_ID)?.lastActivity, '2025-03-01T12:00:01.000Z');
  // Newest first: the fresh session leads Koen's list.
  assert.equal(store.listSessions('koen', ALL).sessions[0]?.sessionId, 'thread-1');

  advance(1000);
  const appended = store.appendHistory('thread-1', [
    { role: 'tool_call', tool_call_id: 'c1', tool_name: 'get_company_info', content: '{}', agent_id: 'history-agent' },
    { role: 'tool', tool_call_id: 'c1', tool_name: 'get_company_info', content: '{}' },
    { role: 'assistant', content: 'Klaar', agent_id: 'history-agent', spoken_text: 'Klaar' },
  ]);
  assert.equal(appended?.messageCount, 4);
  assert.equal(appended?.lastActivity, '2025-03-01T12:00:02.000Z');
  assert.deepEqual(changes.at(-1), { type: 'history-appended', session: appended, appendedMessages: 3 });

  advance(1000);
  const again = store.recordRunStart('thread-1', KOEN_ID, 'Rauwe vis op 9 graden');
  assert.equal(again.messageCount, 5);
  assert.equal(again.title, 'Start inspectie bij Restaurant Bella Rosa');
  assert.equal(again.createdAt, '2025-03-01T12:00:01.000Z');
  assert.equal(store.getHistory('thread-1', { includeTools: false })?.length, 3);
  assert.equal(store.getHistory('thread-1', { includeTools: true })?.length, 5);
});

test('a run without a user id belongs to the current user (or anonymous); long first messages are shortened', () => {
  const { store } = pinnedStore();
  const session = store.recordRunStart('thread-2', null, 'x'.repeat(500));
  assert.equal(session.userId, KOEN_ID);
  assert.ok(session.title.length <= 50);
  assert.ok(session.firstMessagePreview.length <= 100);
  assert.equal(store.recordRunStart('thread-3', '', 'Hallo').userId, KOEN_ID);
  store.setCurrentUser(null);
  assert.equal(store.recordRunStart('thread-4', null, 'Hallo').userId, 'anonymous');
  assert.throws(() => store.recordRunStart('', KOEN_ID, 'Hallo'), /threadId/);
});

test('appendHistory refuses invalid messages without recording any, and ignores unknown threads', () => {
  const { store, changes } = pinnedStore();
  const before = store.snapshot();
  assert.throws(() =>
    store.appendHistory('session-jan-supermarket', [
      { role: 'assistant', content: 'fine' },
      { role: 'robot', content: 'bad' } as unknown as HistoryMessage,
    ]),
  );
  assert.equal(store.appendHistory('no-such-thread', [{ role: 'user', content: 'hi' }]), undefined);
  assert.deepEqual(store.snapshot(), before);
  assert.equal(changes.length, 0);
});

test('snapshots share the stored form of every session an edit left alone (so what measured it need not again)', () => {
  const { store } = pinnedStore();
  const before = store.sharedSnapshot().sessions;
  store.updateSession('session-fatima-bakery', { title: 'Bakkerij' });
  const after = store.sharedSnapshot().sessions;
  const at = (sessions: StoredSession[], id: string) =>
    sessions.find((session) => session.metadata.sessionId === id) as StoredSession;
  for (const id of ['session-koen-bella-rosa', 'session-koen-hotel-sunset', 'session-jan-supermarket'])
    assert.equal(at(after, id), at(before, id), `${id}: the same object`);
  assert.notEqual(at(after, 'session-fatima-bakery'), at(before, 'session-fatima-bakery'));
  assert.equal(at(after, 'session-fatima-bakery').metadata.title, 'Bakkerij');
  // Shared between snapshots, so no reader may change it.
  assert.ok(Object.isFrozen(at(after, 'session-jan-supermarket')));
  // The deep copy is still a copy.
  assert.notEqual(at(store.snapshot().sessions, 'session-jan-supermarket'), at(after, 'session-jan-supermarket'));
});

test('updateSession trims and cuts the title to 200 characters and bumps lastActivity', () => {
  const { store, changes, advance } = pinnedStore();
  advance(5000);
  const session = store.updateSession('session-fatima-bakery', { title: `  ${'a'.repeat(250)}  ` });
  assert.equal(session?.title, 'a'.repeat(200));
  assert.equal(session?.lastActivity, '2025-03-01T12:00:05.000Z');
  assert.deepEqual(changes.at(-1), { type: 'session-updated', session });
  assert.equal(store.updateSession('nope', { title: 'x' }), undefined);
});

test('users: create (unique email, any case), update, delete with cascade over both id forms', () => {
  const { store, changes } = pinnedStore();
  const created = store.createUser({ email: 'nieuw@nvwa.nl', name: 'Nieuw' });
  assert.equal(created.preferences.theme, 'system');
  assert.throws(() => store.createUser({ email: 'NIEUW@nvwa.nl', name: 'Dubbel' }), DuplicateEmailError);
  assert.throws(() => store.createUser({ email: 'not-an-email', name: 'X' }));
  assert.equal(store.listUsers(ALL).totalCount, 4);
  assert.equal(store.listUsers(ALL).users[0]?.id, created.id);

  store.recordRunStart('thread-uuid', KOEN_ID, 'Hallo');
  assert.deepEqual(store.deleteUser('koen'), { deletedSessionsCount: 3 });
  assert.equal(store.getUser(KOEN_ID), undefined);
  assert.equal(store.currentUser(), undefined);
  assert.equal(store.listSessions('koen', ALL).totalCount, 0);
  assert.equal(store.getSession('thread-uuid'), undefined);
  assert.deepEqual(changes.at(-1), {
    type: 'user-deleted',
    userId: KOEN_ID,
    deletedSessionIds: ['session-koen-bella-rosa', 'session-koen-hotel-sunset', 'thread-uuid'],
  });
  assert.equal(store.deleteUser(KOEN_ID), undefined);
  // The email is free again once its owner is gone.
  assert.ok(store.createUser({ email: 'koen.vandenberg@nvwa.nl', name: 'Koen' }));
});

test("deleting a session, or a user with theirs, gives back at once what the file held of them for clients' writes", () => {
  const room = new ClientRoom();
  const store = new AgoraStore({ startedAt: STARTED, now: () => STARTED, clientRoom: room });
  // What the workspace measures of the store for that room: all of it as the file writes it, recorded history aside.
  const weighed = () => {
    const { users, sessions } = store.snapshot();
    const written =
      users.reduce((sum, user) => sum + userFileBytes(user), 0) +
      sessions.reduce((sum, session) => sum + sessionFileBytes(session), 0);
    return written - store.evictableBytes((item) => itemFileBytes(item, PACK_DATA_ITEM_LEVEL));
  };
  // A run recording into a session made by hand, and a session a run made: neither recording was in the room.
  store.recordRunStart('session-jan-supermarket', JAN_ID, 'Nog een vraag');
  store.recordRunStart('thread-by-run', KOEN_ID, 'Hallo');
  room.measured(weighed());
  const deletions = [
    () => store.deleteSession('session-fatima-bakery'),
    () => store.deleteSession('session-jan-supermarket'),
    () => store.deleteSession('thread-by-run'),
    () => store.deleteUser(KOEN_ID),
  ];
  for (const deletion of deletions) {
    const before = room.usedBytes;
    assert.ok(deletion());
    assert.equal(room.usedBytes, weighed());
    assert.ok(room.usedBytes <= before);
  }
  assert.ok(room.usedBytes < 2_000, `${room.usedBytes} bytes left: Fatima's and Jan's users`);
});

test('undefined fields in a patch mean unchanged', () => {
  const { store } = pinnedStore();
  assert.equal(store.updatePreferences(KOEN_ID, { theme: undefined, language: 'en-GB' })?.theme, 'light');
  assert.equal(store.updateUser(KOEN_ID, { name: undefined })?.name, 'Koen van den Berg');
});

test('an invalid update changes nothing and announces nothing', () => {
  const { store, changes } = pinnedStore();
  const before = store.snapshot();
  assert.throws(() => store.updateUser(KOEN_ID, { name: '' }));
  assert.throws(() => store.updatePreferences(KOEN_ID, { theme: 'pink' as 'dark' }));
  assert.throws(() => store.replace({ ...before, currentUserId: 'nobody' }));
  assert.deepEqual(store.snapshot(), before);
  assert.equal(changes.length, 0);
});

test('reset restores the seed and says so; unsubscribed listeners hear nothing more', () => {
  const { store, changes } = pinnedStore();
  const seed = store.snapshot();
  store.deleteSession('session-jan-supermarket');
  store.updatePreferences('fatima', { theme: 'light' });
  store.setCurrentUser(JAN_ID);
  store.reset();
  assert.deepEqual(store.snapshot(), seed);
  assert.deepEqual(
    changes.map((change) => change.type),
    ['session-deleted', 'user-updated', 'current-user-changed', 'reset'],
  );

  const heard: AgoraChange[] = [];
  const unsubscribe = store.subscribe((change) => heard.push(change));
  unsubscribe();
  store.deleteSession('session-jan-supermarket');
  assert.equal(heard.length, 0);
});

test('a failing listener does not fail the change or starve the others', () => {
  const { logger, errors } = errorLogger();
  const store = new AgoraStore({ logger });
  const heard: string[] = [];
  store.subscribe(() => {
    throw new Error('listener bug');
  });
  store.subscribe((change) => heard.push(change.type));
  assert.equal(store.deleteSession('session-jan-supermarket'), true);
  assert.deepEqual(heard, ['session-deleted']);
  assert.equal(errors.length, 1);
});

// ---- integrity: whatever the store accepts can be served and saved; a refused write changes nothing ----

/** Arrays nested `depth` levels deep around a string, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

/** Everything a client or a save reads: the snapshot is valid AGORA data and every read serialises. */
function assertServable(store: AgoraStore): void {
  const data = AgoraDataSchema.parse(store.snapshot());
  assert.ok(JSON.stringify(data));
  for (const session of data.sessions) assert.equal(session.metadata.messageCount, session.history.length);
  assert.ok(JSON.stringify(store.listUsers(ALL)));
  assert.ok(JSON.stringify(store.currentUser()));
  for (const user of data.users) {
    assert.ok(JSON.stringify(store.getUser(user.id)));
    assert.ok(JSON.stringify(store.listSessions(user.id, ALL)));
  }
}

for (const depth of [3_000, 5_000]) {
  test(`a ${depth}-level value is refused by every write that takes one, changing nothing, indexes included`, () => {
    const { store, changes } = pinnedStore();
    const before = store.snapshot();
    const deep = nested(depth);
    const deepMessage = { role: 'user', content: 'x', extra: deep } as unknown as HistoryMessage;
    assert.throws(() => store.updatePreferences('koen', { email_reports: deep }), AgoraDataError);
    assert.throws(() => store.updateUser(KOEN_ID, { preferences: { email_reports: deep } }), AgoraDataError);
    assert.throws(
      () => store.createUser({ email: 'diep@nvwa.nl', name: 'Diep', preferences: { x: deep } }),
      AgoraDataError,
    );
    assert.throws(
      () => store.createSession({ userId: KOEN_ID, title: 'Diep', history: [deepMessage] }),
      AgoraDataError,
    );
    assert.throws(() => store.replaceHistory('session-jan-supermarket', [deepMessage]), AgoraDataError);
    assert.throws(() => store.appendHistory('session-jan-supermarket', [deepMessage]), AgoraDataError);
    const poisoned = structuredClone(before);
    (poisoned.users[0] as User).preferences.email_reports = deep;
    assert.throws(() => store.replace(poisoned), AgoraDataError);

    assert.deepEqual(store.snapshot(), before);
    assert.equal(changes.length, 0);
    assertServable(store);
    // The email index still knows Koen: his address cannot be taken by a new user.
    assert.throws(() => store.createUser({ email: 'koen.vandenberg@nvwa.nl', name: 'Dubbel' }), DuplicateEmailError);
    assert.throws(() => store.createUser({ email: 'KOEN.vandenberg@nvwa.nl', name: 'Dubbel' }), DuplicateEmailError);
  });
}

test('the deepest record the store takes is served, saved and loaded again; one level more is refused', () => {
  const { store } = pinnedStore();
  // A user nests its preferences (2 levels) around the value.
  const deepest = nested(RECORD_MAX_DEPTH - 2);
  assert.ok(store.updatePreferences('koen', { email_reports: deepest }));
  assert.throws(
    () => store.updatePreferences('fatima', { email_reports: nested(RECORD_MAX_DEPTH - 1) }),
    /deeper than/,
  );
  assertServable(store);

  const text = encodeWorkspace({
    version: WORKSPACE_VERSION,
    name: 'deep',
    settings: DEFAULT_SETTINGS,
    packs: [{ pack: 'agora-mock', enabled: true, data: store.snapshot() }],
    routes: [],
    collections: [],
    staticFolders: [],
    sockets: [],
    agents: [],
    scenarios: [],
    payloads: [],
  });
  const { workspace } = decodeWorkspaceText(text, 'deep.agui.json');
  const reloaded = new AgoraStore();
  reloaded.replace(agoraData(workspace));
  assert.deepEqual(reloaded.getPreferences('koen')?.email_reports, deepest);
  assertServable(reloaded);
});

test('what is stored is plain JSON: values JSON cannot hold are refused, others kept as they will be saved', () => {
  const { store, changes } = pinnedStore();
  const before = store.snapshot();
  assert.throws(() => store.updatePreferences('koen', { email_reports: 10n }), /not representable as JSON/);
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  assert.throws(() => store.updatePreferences('koen', { email_reports: cycle }), AgoraDataError);
  assert.throws(
    () => store.updatePreferences('koen', { theme: undefined, language: 42 as unknown as string }),
    /language/,
  );
  assert.deepEqual(store.snapshot(), before);
  assert.equal(changes.length, 0);

  const preferences = store.updatePreferences('koen', {
    email_reports: { when: new Date('2025-03-01T00:00:00Z'), ratio: Number.NaN, gone: undefined },
  });
  assert.deepEqual(preferences?.email_reports, { when: '2025-03-01T00:00:00.000Z', ratio: null });
  assertServable(store);
});

test('every refused write leaves the store and its indexes as they were', () => {
  const { store, changes } = pinnedStore();
  const before = store.snapshot();
  assert.throws(() => store.updateUser(KOEN_ID, { email: 'fatima.el-amrani@NVWA.nl' }), DuplicateEmailError);
  assert.throws(() => store.updateUser(KOEN_ID, { email: 'not-an-email' }), AgoraDataError);
  assert.throws(() => store.createSession({ userId: '', title: 'x' }), AgoraDataError);
  assert.throws(() => store.createSession({ sessionId: 'session-jan-supermarket', userId: JAN_ID, title: 'x' }));
  assert.throws(() => store.updateSession('session-jan-supermarket', { userId: '' }), AgoraDataError);
  assert.throws(() => store.recordRunStart('', KOEN_ID, 'Hallo'));
  assert.throws(() => store.replace({ ...before, users: [...before.users, { ...(before.users[0] as User) }] }));
  assert.throws(() =>
    store.replace({ ...before, sessions: [...before.sessions, before.sessions[0] as StoredSession] }),
  );
  assert.deepEqual(store.snapshot(), before);
  assert.equal(changes.length, 0);
  // Emails moved between users keep the index exact: the old address is free, the new one taken.
  store.updateUser(KOEN_ID, { email: 'koen@nvwa.nl' });
  assert.ok(store.createUser({ email: 'koen.vandenberg@nvwa.nl', name: 'Nieuwe Koen' }));
  assert.throws(() => store.createUser({ email: 'Koen@nvwa.nl', name: 'Dubbel' }), DuplicateEmailError);
});

test('a loaded session counts its history, whatever the file says', () => {
  const { store } = pinnedStore();
  const data = store.snapshot();
  (data.sessions[0] as StoredSession).metadata.messageCount = 99;
  store.replace(data);
  assert.equal(store.getSession('session-koen-bella-rosa')?.messageCount, 8);
  // Loaded as a workspace is (its data kept as given): the same.
  store.load(data);
  assert.equal(store.getSession('session-koen-bella-rosa')?.messageCount, 8);
  assert.throws(
    () => store.replace({ ...data, sessions: [{ ...(data.sessions[0] as StoredSession), recordedMessages: 9 }] }),
    /recordedMessages/,
  );
});

// ---- history limits: what runs record is bounded; the oldest recorded history goes first, hand-made never ----

/** A pinned store with history limits a test can change between recordings. */
function limitedStore(limits: Partial<HistoryLimits>) {
  let now = STARTED;
  const current: HistoryLimits = {
    maxRecordedMessagesPerSession: 1000,
    maxRecordedMessages: 1000,
    maxRecordedBytes: 1_000_000,
    maxRecordedSessions: 1000,
    ...limits,
  };
  const store = new AgoraStore({ startedAt: STARTED, now: () => now, historyLimits: () => current });
  const evictions: Extract<AgoraChange, { type: 'history-evicted' }>[] = [];
  store.subscribe((change) => {
    if (change.type === 'history-evicted') evictions.push(change);
  });
  /** A run on `threadId`: its user message, then `answers` assistant messages, a second later than the last. */
  const run = (threadId: string, text: string, answers = 0) => {
    now += 1000;
    store.recordRunStart(threadId, KOEN_ID, text);
    const produced = Array.from({ length: answers }, (_, i) => ({
      role: 'assistant' as const,
      content: `${text} ${i}`,
    }));
    if (produced.length) store.appendHistory(threadId, produced);
  };
  const contents = (sessionId: string) =>
    store.getHistory(sessionId, { includeTools: true })?.map((message) => message.content);
  return { store, evictions, run, contents, limits: current };
}

test('per session: past the limit the oldest recorded messages go, and the change says so', () => {
  const { store, evictions, run, contents } = limitedStore({ maxRecordedMessagesPerSession: 3 });
  run('t1', 'a', 1);
  run('t1', 'b', 1);
  assert.deepEqual(contents('t1'), ['a 0', 'b', 'b 0']);
  assert.equal(store.getSession('t1')?.messageCount, 3);
  assert.deepEqual(
    evictions.map(({ limits, removedMessages, deletedSessionIds }) => ({ limits, removedMessages, deletedSessionIds })),
    [{ limits: ['maxRecordedMessagesPerSession'], removedMessages: 1, deletedSessionIds: [] }],
  );
  assert.deepEqual(evictions.at(-1)?.trimmedSessions, [store.getSession('t1')]);
});

test('hand-made messages are never evicted: runs continuing a seed session lose only what they recorded', () => {
  const { store, run, contents } = limitedStore({ maxRecordedMessagesPerSession: 2, maxRecordedMessages: 2 });
  const handMade = contents('session-jan-supermarket');
  assert.equal(handMade?.length, 4);
  run('session-jan-supermarket', 'een', 1);
  run('session-jan-supermarket', 'twee', 1);
  assert.deepEqual(contents('session-jan-supermarket'), [...(handMade ?? []), 'twee', 'twee 0']);
  const saved = store.snapshot().sessions.find((session) => session.metadata.sessionId === 'session-jan-supermarket');
  assert.equal(saved?.recordedMessages, 2);
  assert.equal(saved?.recordedByRun, undefined);
  assert.equal(saved?.metadata.messageCount, 6);
});

test('workspace-wide: the least recently active recorded sessions go whole, never the one being recorded into', () => {
  const { store, evictions, run } = limitedStore({ maxRecordedMessages: 5 });
  run('t1', 'eerste', 1);
  run('t2', 'tweede', 1);
  run('t1', 'weer eerste'); // t1 is now more recently active than t2
  run('t3', 'derde', 1);
  assert.equal(store.getSession('t2'), undefined, 't2 was the least recently active');
  assert.equal(store.getSession('t1')?.messageCount, 3);
  assert.deepEqual(evictions.at(-1)?.deletedSessionIds, ['t2']);
  assert.deepEqual(evictions.at(-1)?.limits, ['maxRecordedMessages']);
  assert.equal(evictions.at(-1)?.removedMessages, 2);

  // A recording larger than the whole allowance keeps its newest messages: no other session could make room.
  run('t4', 'groot', 7);
  assert.equal(store.getSession('t4')?.messageCount, 5);
  assert.deepEqual(
    store
      .listAllSessions()
      .filter((session) => session.sessionId.startsWith('t'))
      .map((session) => session.sessionId),
    ['t4'],
  );
});

test('bytes, per session: a session holding more text than the workspace may loses its oldest, counted in UTF-8', () => {
  const { store, evictions, run, contents } = limitedStore({ maxRecordedBytes: 100 });
  const sixty = 'é'.repeat(30); // 30 characters, 60 bytes
  run('t1', sixty);
  assert.equal(evictions.length, 0);
  run('t1', `${sixty}!`);
  assert.deepEqual(contents('t1'), [`${sixty}!`]);
  assert.deepEqual(
    evictions.map(({ limits, removedMessages, deletedSessionIds }) => ({ limits, removedMessages, deletedSessionIds })),
    [{ limits: ['maxRecordedBytes'], removedMessages: 1, deletedSessionIds: [] }],
  );
  assert.deepEqual(evictions.at(-1)?.trimmedSessions, [store.getSession('t1')]);

  // A message larger than the whole allowance is not kept either: the session stays, without it.
  run('t2', 'x'.repeat(101));
  assert.equal(store.getSession('t2')?.messageCount, 0);
  assert.deepEqual(contents('t2'), []);
});

test('bytes, workspace-wide: the least recently active recorded sessions go whole, never the one recorded into', () => {
  const { store, evictions, run } = limitedStore({ maxRecordedBytes: 100 });
  run('t1', 'a'.repeat(40));
  run('t2', 'b'.repeat(40));
  run('t1', 'c'.repeat(10)); // t1 is now more recently active than t2
  run('t3', 'd'.repeat(40));
  assert.equal(store.getSession('t2'), undefined, 't2 was the least recently active');
  assert.equal(store.getSession('t1')?.messageCount, 2);
  assert.equal(store.getSession('t3')?.messageCount, 1);
  assert.deepEqual(evictions.at(-1)?.limits, ['maxRecordedBytes']);
  assert.deepEqual(evictions.at(-1)?.deletedSessionIds, ['t2']);
  assert.equal(evictions.at(-1)?.removedMessages, 1);

  // Tool calls and results count with their arguments, results, names and ids.
  store.appendHistory('t3', [
    { role: 'tool_call', tool_call_id: 'c1', tool_name: 'zoek', content: 'e'.repeat(20) },
    { role: 'tool', tool_call_id: 'c1', tool_name: 'zoek', content: 'f'.repeat(20) },
  ]);
  assert.equal(store.getSession('t1'), undefined, '40 + 2 × (2 + 4 + 20) bytes leave no room for t1');
});

test('bytes: hand-made messages are never evicted, in the session recorded into or in the others', () => {
  const { store, evictions, run, contents } = limitedStore({ maxRecordedBytes: 50 });
  const handMade = contents('session-jan-supermarket');
  assert.ok(handMade && handMade.join('').length > 50, 'more hand-made text than the limit');
  run('session-jan-supermarket', 'x'.repeat(30));
  run('session-jan-supermarket', 'y'.repeat(30));
  assert.deepEqual(contents('session-jan-supermarket'), [...handMade, 'y'.repeat(30)]);
  run('t1', 'z'.repeat(30));
  assert.deepEqual(contents('session-jan-supermarket'), handMade, 'only what runs recorded went');
  assert.deepEqual(contents('t1'), ['z'.repeat(30)]);
  const saved = store.snapshot().sessions.find((session) => session.metadata.sessionId === 'session-jan-supermarket');
  assert.equal(saved?.recordedMessages, undefined);
  assert.deepEqual(evictions.at(-1)?.limits, ['maxRecordedBytes']);
  assert.deepEqual(
    evictions.at(-1)?.trimmedSessions.map((session) => session.sessionId),
    ['session-jan-supermarket'],
  );
});

test('sessions runs create are bounded in number; hand-made sessions do not count', () => {
  const { store, evictions, run } = limitedStore({ maxRecordedSessions: 2 });
  const seedSessions = store.listAllSessions().length;
  run('t1', 'een');
  run('session-koen-bella-rosa', 'hand-made sessions do not count');
  run('t2', 'twee');
  run('t3', 'drie');
  assert.deepEqual(
    store
      .listAllSessions()
      .map((session) => session.sessionId)
      .filter((id) => id.startsWith('t')),
    ['t3', 't2'],
  );
  assert.equal(store.listAllSessions().length, seedSessions + 2);
  assert.deepEqual(evictions.at(-1)?.limits, ['maxRecordedSessions']);
  assert.deepEqual(evictions.at(-1)?.deletedSessionIds, ['t1']);
  assert.equal(evictions.at(-1)?.removedMessages, 1);
});

test('a recorded session edited by hand is the user’s: the limits no longer evict from it', () => {
  const { store, run, contents } = limitedStore({ maxRecordedMessages: 3, maxRecordedSessions: 1 });
  run('t1', 'een', 1);
  store.replaceHistory('t1', [{ role: 'user', content: 'mijn versie' }]);
  run('t2', 'twee', 2);
  run('t3', 'drie', 2);
  assert.deepEqual(contents('t1'), ['mijn versie']);
  assert.equal(store.getSession('t2'), undefined);
  assert.ok(store.getSession('t3'));
});

test('what was recorded is saved and loaded with the sessions; loading never evicts, the next recording does', () => {
  const { store, run, limits } = limitedStore({});
  run('t1', 'een', 2);
  run('t2', 'twee', 2);
  const saved = store.snapshot();
  assert.deepEqual(
    saved.sessions.filter((session) => session.recordedByRun).map((session) => session.metadata.sessionId),
    ['t1', 't2'],
  );
  limits.maxRecordedMessages = 4;
  limits.maxRecordedSessions = 2;
  store.replace(saved);
  assert.deepEqual(store.snapshot(), saved, 'loaded as it was');
  run('t3', 'drie');
  assert.equal(store.getSession('t1'), undefined);
  assert.equal(store.getSession('t2')?.messageCount, 3);
  assert.equal(store.getSession('t3')?.messageCount, 1);
});

test('what clients can make the store keep is bounded: the number of users, the size of their preferences', () => {
  const { store } = pinnedStore();
  const tooMany = () => {
    for (let n = store.listUsers({ offset: 0, limit: 1 }).totalCount; n < USERS_MAX; n++)
      store.createUser({ email: `user-${n}@example.com`, name: `User ${n}` });
    store.createUser({ email: 'one-more@example.com', name: 'One more' });
  };
  assert.throws(
    tooMany,
    (error: AgoraStoreFullError) => error.status === 413 && /at most 10000 users/.test(error.message),
  );
  assert.equal(store.listUsers({ offset: 0, limit: 1 }).totalCount, USERS_MAX);
  // Each update merges the fields it sends: their sum is what is bounded.
  const field = 'x'.repeat(1000);
  const grow = () => {
    for (let n = 0; n < 20; n++) store.updatePreferences(KOEN_ID, { [`extra_${n}`]: field } as never);
  };
  assert.throws(
    grow,
    (error: AgoraStoreFullError) => error.status === 413 && /preferences may take 16384/.test(error.message),
  );
  assert.ok(
    JSON.stringify(store.getPreferences(KOEN_ID)).length <= PREFERENCES_MAX_CHARS,
    'nothing past the bound stored',
  );
});
