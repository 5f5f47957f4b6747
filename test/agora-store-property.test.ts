import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type AgoraStore, RECORD_MAX_DEPTH } from '../src/server/packs/agora/store/agora-store';
import { recordedBytesOf } from '../src/server/packs/agora/store/recorded-history';
import { decodeWorkspaceText, encodeWorkspace } from '../src/server/workspace/workspace-codec';
import { AgoraDataSchema, type HistoryMessage } from '../src/shared/agora-model';
import { DEFAULT_SETTINGS } from '../src/shared/settings';
import { WORKSPACE_VERSION, type Workspace } from '../src/shared/workspace';
import { agoraStore } from './helpers/agora';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// Small history limits, so random recordings run into every one of them.
const LIMITS = {
  maxRecordedMessagesPerSession: 4,
  maxRecordedMessages: 12,
  maxRecordedBytes: 1024,
  maxRecordedSessions: 3,
};
const server = await startTestEngine({ settings: LIMITS });
const api = controlClient(server);
const WORKSPACE = {
  version: WORKSPACE_VERSION,
  name: 'p',
  settings: DEFAULT_SETTINGS,
  routes: [],
  collections: [],
  staticFolders: [],
  sockets: [],
  agents: [],
  scenarios: [],
} as const;

function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

/** Values a caller may hand the store: JSON, nearly JSON, not JSON at all, and nested as deep as allowed or more. */
const anything = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  fc.string({ maxLength: 30 }),
  fc.constantFrom<unknown>(
    undefined,
    Number.NaN,
    10n,
    new Date(0),
    new Map([[1, 2]]),
    nested(RECORD_MAX_DEPTH - 2),
    nested(RECORD_MAX_DEPTH),
    nested(2_000),
    nested(3_000),
    nested(5_000),
  ),
);
const userRef = fc.constantFrom('koen', 'fatima', 'jan', '550e8400-e29b-41d4-a716-446655440001', 'nobody', '');
const sessionRef = fc.constantFrom(
  'session-koen-bella-rosa',
  'session-jan-supermarket',
  'thread-a',
  'thread-b',
  'thread-c',
  'thread-d',
  'nope',
);
const email = fc.oneof(fc.emailAddress(), fc.constantFrom('koen.vandenberg@nvwa.nl', 'KOEN.vandenberg@nvwa.nl', 'x'));
const preferences = fc.dictionary(
  fc.constantFrom('theme', 'language', 'email_reports', 'extra', 'notifications_enabled'),
  fc.oneof(fc.constantFrom('dark', 'light', 'nl-NL'), anything),
  { maxKeys: 3 },
);
const message = fc.oneof(
  { weight: 3, arbitrary: fc.record({ role: fc.constant('user'), content: fc.string({ maxLength: 20 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      role: fc.constant('assistant'),
      content: fc.string({ maxLength: 20 }),
      agent_id: fc.string(),
    }),
  },
  fc.record({ role: fc.constantFrom('tool', 'robot'), content: anything, extra: anything }),
) as fc.Arbitrary<HistoryMessage>;
const messages = fc.array(message, { maxLength: 6 });

type Write = (store: AgoraStore) => unknown;
const write: fc.Arbitrary<Write> = fc.oneof(
  fc.tuple(email, fc.string({ maxLength: 10 }), preferences).map(
    ([address, name, prefs]) =>
      (store: AgoraStore) =>
        store.createUser({ email: address, name, preferences: prefs }),
  ),
  fc.tuple(userRef, fc.option(fc.string({ maxLength: 10 })), fc.option(email), fc.option(preferences)).map(
    ([id, name, address, prefs]) =>
      (store: AgoraStore) =>
        store.updateUser(id, { name: name ?? undefined, email: address ?? undefined, preferences: prefs ?? undefined }),
  ),
  fc.tuple(userRef, preferences).map(
    ([id, prefs]) =>
      (store: AgoraStore) =>
        store.updatePreferences(id, prefs),
  ),
  userRef.map((id) => (store: AgoraStore) => store.deleteUser(id)),
  fc.option(userRef).map((id) => (store: AgoraStore) => store.setCurrentUser(id)),
  fc.tuple(fc.option(sessionRef), userRef, anything, messages).map(
    ([sessionId, userId, title, history]) =>
      (store: AgoraStore) =>
        store.createSession({ sessionId: sessionId ?? undefined, userId, title: title as string, history }),
  ),
  fc.tuple(sessionRef, fc.option(fc.string({ maxLength: 300 })), fc.option(userRef)).map(
    ([id, title, userId]) =>
      (store: AgoraStore) =>
        store.updateSession(id, { title: title ?? undefined, userId: userId ?? undefined }),
  ),
  fc.tuple(sessionRef, messages).map(
    ([id, list]) =>
      (store: AgoraStore) =>
        store.replaceHistory(id, list),
  ),
  sessionRef.map((id) => (store: AgoraStore) => store.deleteSession(id)),
  // What runs record, the most common write, and the one the history limits bound.
  {
    weight: 4,
    // Long enough that a few of them pass the byte limit.
    arbitrary: fc.tuple(sessionRef, fc.option(userRef), fc.string({ maxLength: 400 })).map(
      ([id, userId, text]) =>
        (store: AgoraStore) =>
          store.recordRunStart(id, userId, text),
    ),
  },
  {
    weight: 4,
    arbitrary: fc.tuple(sessionRef, messages).map(
      ([id, list]) =>
        (store: AgoraStore) =>
          store.appendHistory(id, list),
    ),
  },
  fc.tuple(fc.nat(), anything).map(([index, value]) => (store: AgoraStore) => {
    // A workspace with one value swapped for anything at all.
    const data = store.snapshot();
    const user = data.users[index % Math.max(1, data.users.length)];
    if (user) user.preferences.extra = value;
    store.replace(data);
  }),
  fc.constant((store: AgoraStore) => store.reset()),
);

/** Messages runs recorded per session, their text, and sessions runs created, as the saved workspace says. */
function assertWithinLimits(store: AgoraStore): void {
  const { sessions } = store.snapshot();
  let total = 0;
  let bytes = 0;
  for (const session of sessions) {
    const recorded = session.recordedByRun ? session.history.length : (session.recordedMessages ?? 0);
    assert.ok(recorded <= LIMITS.maxRecordedMessagesPerSession, `${session.metadata.sessionId}: ${recorded}`);
    total += recorded;
    for (const message of session.history.slice(session.history.length - recorded)) bytes += recordedBytesOf(message);
  }
  assert.ok(total <= LIMITS.maxRecordedMessages, `${total} recorded messages`);
  assert.ok(bytes <= LIMITS.maxRecordedBytes, `${bytes} bytes recorded`);
  assert.ok(sessions.filter((session) => session.recordedByRun).length <= LIMITS.maxRecordedSessions);
}

/** Every read route of the mocked API and the console answers 2xx or 4xx (and JSON) for every user and session. */
async function assertReadsServe(store: AgoraStore): Promise<void> {
  const users = ['me', 'koen', 'nobody', ...store.listUsers({ limit: 1000, offset: 0 }).users.map((user) => user.id)];
  const sessions = ['nope', ...store.listAllSessions().map((session) => session.sessionId)];
  const paths = [
    '/users',
    ...users.flatMap((id) => [
      `/users/${encodeURIComponent(id)}`,
      `/users/me/preferences?user_id=${encodeURIComponent(id)}`,
      `/sessions?user_id=${encodeURIComponent(id)}`,
    ]),
    ...sessions.flatMap((id) => [
      `/sessions/${encodeURIComponent(id)}/history?include_tools=true`,
      `/sessions/${encodeURIComponent(id)}/metadata`,
    ]),
  ];
  for (const path of paths) {
    const response = await fetch(`${server.url}${path}`);
    assert.ok(response.status < 500, `GET ${path} → ${response.status}`);
    await response.json();
  }
  for (const path of ['/state/users', '/state/sessions', '/workspace/export']) {
    assert.equal((await api.get(path)).status, 200, `GET ${path}`);
  }
}

test('after any sequence of writes the world is valid, within its limits and served; a refused write changes nothing', async () => {
  const store = agoraStore(server);
  await fc.assert(
    fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 12 }), async (writes) => {
      store.reset();
      for (const apply of writes) {
        const before = store.snapshot();
        let refused = false;
        try {
          apply(store);
        } catch {
          refused = true;
        }
        if (refused) assert.deepEqual(store.snapshot(), before, 'a refused write changed the store');
        const data = AgoraDataSchema.parse(store.snapshot());
        for (const session of data.sessions) assert.equal(session.metadata.messageCount, session.history.length);
        // Saved, it is a workspace that loads again (what `agui-mock validate` checks).
        const saved: Workspace = {
          ...WORKSPACE,
          packs: [{ pack: 'agora-mock', enabled: true, data }],
          payloads: [],
          scenarios: [],
          routes: [],
          collections: [],
          staticFolders: [],
          sockets: [],
          agents: [],
        };
        decodeWorkspaceText(encodeWorkspace(saved), 'p.agui.json');
        assertWithinLimits(store);
      }
      await assertReadsServe(store);
    }),
    { numRuns: 60 },
  );
});
