import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { rendererModule } from '../e2e/helpers/renderer-module';
import { ScenarioSchema } from '../src/shared/scenario';

// The console's forms say what is wrong in plain words, never the schema library's, and not before a person typed.

const { stepKinds, stepFromTexts } = await rendererModule('features/scenarios/step-form-fields.ts');
const { checkDraft, draftOf, userChanges, userDraftText } = await rendererModule('features/state/user-draft.ts');
const { draftView } = await rendererModule('stores/mount-drafts-store.ts');
const { schemaIssues } = await rendererModule('ui/schema-issues.ts');

const kinds = stepKinds(z.toJSONSchema(ScenarioSchema, { unrepresentable: 'any', cycles: 'ref' }));
const LIBRARY_WORDING = /Too small|Too big|expected|>=|<=|\^\[/;

test('step form: what the step schema finds is worded for the field, the pattern in its own words', () => {
  const text = stepFromTexts(kinds.get('text'), { chunks: '[]', spoken: 'false' });
  assert.deepEqual(text.problems, { chunks: 'A text step needs at least one chunk.' });
  const tool = stepFromTexts(kinds.get('frontendToolCall'), { name: 'x', id: '9lives' });
  assert.equal(tool.problems.id, 'Must match: letters, digits, _ and -, starting with a letter.');
  for (const problem of [...Object.values(text.problems), ...Object.values(tool.problems)])
    assert.doesNotMatch(String(problem), LIBRARY_WORDING);
});

test('JSON editors: schema issues in plain words, at their places', () => {
  const [issue] = schemaIssues(z.object({ chunks: z.array(z.string()).min(1) }), { chunks: [] });
  assert.deepEqual(issue, { path: ['chunks'], message: 'chunks: needs at least 1 item' });
});

test('JSON editors: a route body or a step type mistyped is worded as `agui-mock validate` words it', async () => {
  const { RouteSchema } = await import('../src/shared/mounts/route');
  const route = { id: 'r', method: 'GET', path: '/x', responses: [{ status: 200, body: { jsn: { v: 1 } } }] };
  const bodyIssue = schemaIssues(RouteSchema, route).find(
    (issue: { path: unknown[] }) => issue.path.join('.') === 'responses.0.body',
  );
  assert.equal(bodyIssue?.message, 'responses.0.body: give exactly one of "json", "text" or "file" (got "jsn")');
  const scenario = { id: 's', name: 's', triggers: [], steps: [{ type: 'txt' }] };
  const [stepIssue] = schemaIssues(ScenarioSchema, scenario);
  assert.match(stepIssue?.message ?? '', /^steps\.0\.type: unknown step type "txt": expected one of /);
});

test('new user: an untouched form shows no problem; a field typed in or left says it in plain words', () => {
  const empty = draftOf(null);
  assert.deepEqual(checkDraft(null, empty, new Set()), { edit: null, ok: false, problems: new Map() });
  const left = checkDraft(null, empty, new Set(['name']));
  assert.equal(left.ok, false);
  assert.deepEqual([...left.problems], [['name', 'must not be empty']]);
  const typed = checkDraft(null, { ...empty, name: 'Ada', email: 'ada' }, new Set(['name', 'email']));
  assert.deepEqual([...typed.problems.keys()], ['email']);
  assert.doesNotMatch(typed.problems.get('email'), LIBRARY_WORDING);
  assert.equal(checkDraft(null, { ...empty, name: ' Ada ', email: 'ada@example.com' }, new Set()).ok, true);
});

test('existing user: nothing to save while unchanged; a change is checked whatever was touched', () => {
  const user = {
    id: 'u1',
    name: 'Ada',
    email: 'ada@example.com',
    isCurrentUser: false,
    preferences: { ...draftOf(null).preferences },
  };
  assert.deepEqual(checkDraft(user, draftOf(user), new Set()), { edit: null, ok: false, problems: new Map() });
  const cleared = checkDraft(user, { ...draftOf(user), name: '' }, new Set());
  assert.deepEqual([...cleared.problems], [['name', 'must not be empty']]);
  assert.equal(checkDraft(user, { ...draftOf(user), name: 'Ada L.' }, new Set()).ok, true);
});

test('existing user changed elsewhere: an untouched form follows it; an edited one keeps its edits and says what changed', () => {
  const before = {
    id: 'u1',
    name: 'Ada',
    email: 'ada@example.com',
    isCurrentUser: false,
    preferences: { ...draftOf(null).preferences, language: 'en-US' },
  };
  // The REST API changed the language while the form showed the user.
  const now = { ...before, preferences: { ...before.preferences, language: 'de-DE' } };

  const untouched = draftView(undefined, userDraftText(now));
  assert.deepEqual(JSON.parse(untouched.text), draftOf(now));
  assert.equal(untouched.changedOutside, false);
  // Nothing differs from what is stored: nothing to save, and nothing of the old values written back.
  assert.equal(checkDraft(now, JSON.parse(untouched.text), new Set()).ok, false);

  const typed = { ...draftOf(before), name: 'Ada L.' };
  const edited = draftView(
    { text: JSON.stringify(typed), base: userDraftText(before), issues: [] },
    userDraftText(now),
  );
  assert.deepEqual(JSON.parse(edited.text), typed, 'the edit is kept');
  assert.equal(edited.changedOutside, true);
  assert.deepEqual(userChanges(JSON.parse(edited.base), draftOf(now)), ['Language "en-US" → "de-DE"']);
  // Saved on purpose over the change, it writes what the form shows.
  assert.deepEqual(checkDraft(now, typed, new Set()).edit, { name: 'Ada L.', preferences: { language: 'en-US' } });
});

const { blockedWords } = await rendererModule('ui/blocked-words.ts');

test('why a button is off: the first problems beside it, each once, then how many more', () => {
  assert.equal(blockedWords('Cannot create yet', []), null);
  assert.equal(
    blockedWords('Cannot create yet', ['triggers.0.pattern: required']),
    'Cannot create yet: triggers.0.pattern: required',
  );
  assert.equal(
    blockedWords('Fix the schema errors first', ['a: required', 'b: required', 'a: required', 'c: x', 'd: y', 'e: z']),
    'Fix the schema errors first: a: required; b: required; c: x (and 2 more)',
  );
});
