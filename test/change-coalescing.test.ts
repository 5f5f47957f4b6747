import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { rendererModule } from '../e2e/helpers/renderer-module';
import { agoraChangeMerging } from '../src/server/packs/agora/store/agora-change-merging';
import { ChangeCoalescer, type ChangeMerging } from '../src/server/support/change-coalescer';
import type { AgoraChange, SessionMetadata, User } from '../src/shared/agora-model';

// Pack changes merged between two live-feed batches: the coalescer merges a change into the last waiting one about
// the same entity only when nothing waiting after that concerns it too; merged AGORA changes read, to the console,
// exactly as the changes they replace.

const { applyAgoraChanges } = await rendererModule('stores/state-store.ts');

/** Changes as `key:value` strings ('*' touches everything); two of one key merge into `key:first+second`. */
const strings: ChangeMerging<string> = {
  keys: (change) => (change.startsWith('*') ? undefined : (change.split(':')[0] as string).split(',')),
  merge: (earlier, later) => (earlier.includes(',') ? undefined : `${earlier}+${later.split(':')[1]}`),
};

function coalesced<Change>(merging: ChangeMerging<Change>, changes: readonly Change[]): Change[] {
  const coalescer = new ChangeCoalescer(merging);
  for (const change of changes) coalescer.add(change);
  return coalescer.take();
}

test('a change joins the last waiting one about its entity, across changes about others', () => {
  assert.deepEqual(coalesced(strings, ['a:1', 'b:1', 'a:2', 'b:2', 'a:3']), ['a:1+2+3', 'b:1+2']);
});

test('nothing merges across a change about everything, or into an earlier one a later change also concerns', () => {
  assert.deepEqual(coalesced(strings, ['a:1', '*:reset', 'a:2']), ['a:1', '*:reset', 'a:2']);
  // `a,b:x` concerns a too: a:2 may not move back before it to join a:1 (and `a,b:x` merges nothing itself).
  assert.deepEqual(coalesced(strings, ['a:1', 'a,b:x', 'a:2', 'b:2']), ['a:1', 'a,b:x', 'a:2', 'b:2']);
  assert.deepEqual(coalesced(strings, ['a:1', 'a,b:x', 'c:1', 'c:2']), ['a:1', 'a,b:x', 'c:1+2']);
});

test('take hands the changes over once and starts empty', () => {
  const coalescer = new ChangeCoalescer(strings);
  coalescer.add('a:1');
  coalescer.add('a:2');
  assert.equal(coalescer.size, 1);
  assert.deepEqual(coalescer.take(), ['a:1+2']);
  assert.equal(coalescer.size, 0);
  coalescer.add('a:3');
  assert.deepEqual(coalescer.take(), ['a:3']);
});

const SESSIONS = ['s1', 's2', 's3'];
const USERS = ['u1', 'u2'];
const sessionArb = fc.record({
  sessionId: fc.constantFrom(...SESSIONS),
  userId: fc.constantFrom(...USERS),
  title: fc.constantFrom('a', 'b', 'c', 'd'),
  messageCount: fc.nat(20),
}) as fc.Arbitrary<SessionMetadata>;
const userArb = fc.record({
  id: fc.constantFrom(...USERS),
  name: fc.constantFrom('Koen', 'Jan', 'Els'),
}) as fc.Arbitrary<User>;
const changeArb: fc.Arbitrary<AgoraChange> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('user-updated'), user: userArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('user-created'), user: userArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('user-deleted'),
      userId: fc.constantFrom(...USERS),
      deletedSessionIds: fc.subarray(SESSIONS),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('current-user-changed'), userId: fc.constantFrom(...USERS) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constantFrom('session-created', 'session-updated', 'history-replaced'),
      session: sessionArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('session-deleted'), sessionId: fc.constantFrom(...SESSIONS) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ type: fc.constant('history-appended'), session: sessionArb, appendedMessages: fc.nat(5) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('history-evicted'),
      limits: fc.subarray([
        'maxRecordedMessagesPerSession',
        'maxRecordedMessages',
        'maxRecordedBytes',
        'maxRecordedSessions',
      ]),
      removedMessages: fc.nat(10),
      trimmedSessions: fc.uniqueArray(sessionArb, { selector: (session) => session.sessionId, maxLength: 2 }),
      deletedSessionIds: fc.oneof(fc.constant([]), fc.subarray(SESSIONS, { maxLength: 1 })),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'reset' as const }) },
) as fc.Arbitrary<AgoraChange>;

/** What the console makes of a list of changes: its users, sessions, eviction notice, and histories to reload. */
function read(changes: readonly AgoraChange[]) {
  const start = {
    users: [
      { id: 'u1', name: 'Koen', isCurrentUser: true },
      { id: 'u2', name: 'Jan', isCurrentUser: false },
    ],
    sessions: [{ sessionId: 's1', userId: 'u1', title: 'first', messageCount: 2 }],
    eviction: null,
  };
  const next = applyAgoraChanges(start, changes);
  // Evictions commute: the notice sums them and names the limits reached, in no particular order.
  const eviction = next.eviction && { ...next.eviction, limits: [...next.eviction.limits].sort() };
  return { ...next, eviction, historiesChanged: [...new Set(next.historiesChanged)].sort() };
}

test('merged AGORA changes read to the console as the changes they replace (property)', () => {
  fc.assert(
    fc.property(fc.array(changeArb, { maxLength: 40 }), (changes) => {
      assert.deepEqual(read(coalesced(agoraChangeMerging, changes)), read(changes));
    }),
    { numRuns: 2_000 },
  );
});

test("a busy session's runs between two batches merge into a few changes", () => {
  const session = (messageCount: number) =>
    ({ sessionId: 't', userId: 'u1', title: 'Inspectie', messageCount }) as SessionMetadata;
  const user = (lastActivity: string) => ({ id: 'u1', name: 'Koen', lastActivity }) as User;
  const changes: AgoraChange[] = [];
  // Each run: its user message recorded, its user touched, its answers recorded (the limit trims), touched again.
  for (let run = 0; run < 100; run++) {
    changes.push(
      { type: 'history-appended', session: session(1000), appendedMessages: 1 },
      { type: 'user-updated', user: user(`${run}a`) },
      { type: 'history-appended', session: session(1001), appendedMessages: 1 },
      {
        type: 'history-evicted',
        limits: ['maxRecordedMessagesPerSession'],
        removedMessages: 1,
        trimmedSessions: [session(1000)],
        deletedSessionIds: [],
      },
      { type: 'user-updated', user: user(`${run}b`) },
    );
  }
  const merged = coalesced(agoraChangeMerging, changes);
  assert.deepEqual(merged, [
    {
      type: 'history-evicted',
      limits: ['maxRecordedMessagesPerSession'],
      removedMessages: 100,
      trimmedSessions: [session(1000)],
      deletedSessionIds: [],
    },
    { type: 'user-updated', user: user('99b') },
  ]);
});
