import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AgoraDataSchema, SessionMetadataSchema, UserSchema } from '../src/shared/agora-model';
import { agoraStore } from './helpers/agora';
import { startTestEngine } from './helpers/engine';

const server = await startTestEngine();
const FATIMA = '550e8400-e29b-41d4-a716-446655440002';
const JAN = '550e8400-e29b-41d4-a716-446655440003';

const MUTATING_ROUTES = [
  { method: 'PUT', path: '/sessions/session-koen-bella-rosa' },
  { method: 'PUT', path: '/users/me/preferences?user_id=koen' },
  { method: 'PUT', path: `/users/me/preferences?user_id=${FATIMA}` },
  { method: 'POST', path: '/users' },
  { method: 'PUT', path: `/users/${JAN}` },
] as const;

const FIELD_NAMES = [
  'title',
  'theme',
  'notifications_enabled',
  'default_agent_id',
  'language',
  'spoken_text_type',
  'email_reports',
  'email',
  'name',
  'preferences',
  '__proto__',
  'constructor',
];
const ENUM_WORDS = ['light', 'dark', 'system', 'summarize', 'dictate', ''];

/** Values that are sometimes right, often nearly right, and sometimes anything at all. */
const fieldValue = fc.oneof(
  fc.constantFrom(...ENUM_WORDS),
  fc.string({ maxLength: 250 }),
  fc.emailAddress(),
  fc.boolean(),
  fc.jsonValue({ maxDepth: 3 }),
);
const fields = fc.dictionary(fc.constantFrom(...FIELD_NAMES), fieldValue, { maxKeys: 6 });

/** A request body as sent: JSON of anything, JSON objects with the routes' field names, or not JSON at all. */
const rawBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fields.map((value) => JSON.stringify(value)),
  fc.record({ preferences: fields, name: fieldValue }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  fc.record({ email: fc.emailAddress(), name: fc.string({ maxLength: 210 }) }).map((value) => JSON.stringify(value)),
  // Plausible new users, often colliding (in any case) with each other or the seed: 201s and 409s.
  fc
    .record({
      email: fc.stringMatching(/^(koen\.vandenberg|[a-z]{1,3})@(nvwa|NVWA)\.nl$/),
      name: fc.string({ minLength: 1 }),
    })
    .map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 40 }),
);

function assertStoreIntact(): void {
  const data = AgoraDataSchema.parse(agoraStore(server).snapshot());
  for (const session of data.sessions) assert.equal(session.metadata.messageCount, session.history.length);
}

test('random bodies to every mutating route never answer 5xx and never corrupt the store', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...MUTATING_ROUTES), rawBody, async (route, body) => {
      const response = await fetch(`${server.url}${route.path}`, {
        method: route.method,
        headers: { 'content-type': 'application/json' },
        body,
      });
      const answer = await response.json();
      assert.ok(response.status < 500, `${route.method} ${route.path} ${body} → ${response.status}`);
      assert.ok(answer && typeof answer === 'object');
      assertStoreIntact();
    }),
    { numRuns: 200 },
  );

  // What the API serves afterwards still parses with the stored-data schemas.
  const users = (await (await fetch(`${server.url}/users?limit=100`)).json()) as { users: unknown[] };
  assert.ok(users.users.length >= 3);
  for (const raw of users.users) {
    const user = UserSchema.parse(raw);
    const sessions = (await (await fetch(`${server.url}/sessions?user_id=${user.id}&limit=100`)).json()) as {
      sessions: unknown[];
    };
    for (const session of sessions.sessions) SessionMetadataSchema.parse(session);
  }
});
