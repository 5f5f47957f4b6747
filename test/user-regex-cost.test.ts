import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RE2JS } from 're2js';
import { ScenarioCatalogue, ScenarioValidationError } from '../src/server/scenarios/scenario-catalogue';
import {
  compileUserRegex,
  USER_REGEX_MATCH_BUDGET,
  USER_REGEX_MAX_PROGRAM_SIZE,
  UserRegexError,
} from '../src/server/support/user-regex';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { loopHoldUpDuring } from './helpers/loop-delay';

// RE2 is linear in the text, but the factor is the pattern's compiled size: a reviewer's pattern of 3002 steps
// held the loop 28 s on a 200,000-character message. The bound checked here is the deterministic one (size ×
// characters read ≤ the budget), not a time; the one timing below is 10× above what it measures.

const REVIEWER = '(?:[\\p{L}\\p{N}]{1,1000}z){1}|(?:\\pL{500}\\pN{499})';
const HUGE_MESSAGE = 'a'.repeat(200_000);

/** Accepted, and as costly per character as a pattern may be. */
const AT_THE_LIMIT = ['(?:[\\p{L}\\p{N}]{1,499}z)', '\\w{1,499}@', '(?:a|b)*a(?:a|b){20}[^ab]', '[a-z]{1,255}'];

const programSize = (pattern: string, caseInsensitive = false) =>
  RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0).programSize();

test("the reviewer's pattern, and any that compiles too big, is refused saying what to change", () => {
  for (const pattern of [REVIEWER, '\\pL{1000}', 'a{1000}', '(?:[a-z]{1,30}-){30}', '[a-z]{1,600}']) {
    assert.ok(programSize(pattern) > USER_REGEX_MAX_PROGRAM_SIZE, pattern);
    for (const caseInsensitive of [false, true]) {
      assert.throws(
        () => compileUserRegex(pattern, { caseInsensitive }),
        (error: Error) =>
          error instanceof UserRegexError &&
          new RegExp(`compiles to \\d+ steps.*the limit is ${USER_REGEX_MAX_PROGRAM_SIZE}`).test(error.message) &&
          /counted repetition.*lower the count, or use \+ or \*/.test(error.message),
        pattern,
      );
    }
  }
  assert.throws(
    () =>
      new ScenarioCatalogue().put({
        id: 'big',
        name: 'Big',
        triggers: [{ match: 'regex', pattern: REVIEWER }],
        steps: [{ type: 'text', chunks: ['x'] }],
      }),
    (error: Error) =>
      error instanceof ScenarioValidationError &&
      error.issues[0]?.path === 'triggers.0.pattern' &&
      /compiles to 3002 steps/.test(error.message),
  );
});

test('a match reads at most budget ÷ size characters, so its work is bounded whatever the text', () => {
  for (const pattern of AT_THE_LIMIT) {
    const regex = compileUserRegex(pattern, { caseInsensitive: true });
    const size = programSize(pattern, true);
    assert.ok(size <= USER_REGEX_MAX_PROGRAM_SIZE, pattern);
    assert.equal(regex.readLimit, Math.floor(USER_REGEX_MATCH_BUDGET / size), pattern);
    assert.ok(regex.readLimit * size <= USER_REGEX_MATCH_BUDGET, pattern);
    assert.ok(regex.readLimit < HUGE_MESSAGE.length, pattern);
    assert.equal(regex.test(HUGE_MESSAGE), pattern === '[a-z]{1,255}', pattern);
  }
  // Even the costliest pattern reads a few hundred characters; a plain one some tens of thousands.
  assert.ok(USER_REGEX_MATCH_BUDGET / USER_REGEX_MAX_PROGRAM_SIZE >= 250);
  assert.ok(compileUserRegex('^order \\d+$', { caseInsensitive: true }).readLimit >= 20_000);
});

test('a longer text is matched on its beginning, as if it ended there', () => {
  const regex = compileUserRegex('needle', { caseInsensitive: true });
  const limit = regex.readLimit;
  const hay = (at: number) => `${'a'.repeat(at)}needle${'a'.repeat(HUGE_MESSAGE.length)}`;
  assert.equal(regex.test(hay(0)), true);
  assert.equal(regex.test(hay(limit - 'needle'.length)), true, 'ends on the last character read');
  assert.equal(regex.test(hay(limit - 'needle'.length + 1)), false, 'one character past it');
  const end = compileUserRegex('a$');
  assert.equal(end.test('a'.repeat(end.readLimit + 1).concat('b')), true, '`$` matches where reading stops');
  // A cut inside a surrogate pair stops one unit early rather than read half a character.
  const pair = `${'a'.repeat(end.readLimit - 1)}😀`;
  assert.equal(end.test(pair), true);
  assert.equal(compileUserRegex('\\x{FFFD}|[\\x{D800}-\\x{DFFF}]').test(pair), false);
});

test('patterns within the limits match as they did, on texts they read whole', () => {
  const cases: [string, string, boolean][] = [
    ['^order \\d+$', 'Order 42', true],
    ['kvk \\d{8}', 'mijn KVK 92251854 graag', true],
    ['^café$', 'CAFÉ', true],
    ['^hallo$', 'hallo\nwereld', false],
    ['^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$', 'ada@example.org', true],
    ['^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', '3F2504E0-4F89-11D3-9A0C-0305E82C3301', true],
    ['^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2})$', '2024-05-01T10:00:00Z', true],
    ['^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$', 'api.example.com', true],
    ['^[A-Za-z0-9._-]{1,255}$', 'x'.repeat(256), false],
    ['\\bweather\\b', 'what is the weather like', true],
    ['^(a+)+$', `${'a'.repeat(20_000)}!`, false],
    ['(a|aa)*$', `${'a'.repeat(20_000)}!`, true],
    ['\\p{Greek}+', 'alpha αβγ', true],
    ['(?i)^bearer ', 'Bearer abc', true],
  ];
  for (const [pattern, text, expected] of cases) {
    for (const caseInsensitive of [false, true]) {
      const regex = compileUserRegex(pattern, { caseInsensitive });
      assert.ok(text.length <= regex.readLimit, pattern);
      const before = RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0).test(text);
      assert.equal(regex.test(text), before, `${pattern} (caseInsensitive: ${caseInsensitive})`);
      if (caseInsensitive) assert.equal(before, expected, pattern);
    }
  }
});

test('POST /agent with a 200,000-character message and the costliest trigger allowed answers without a stall', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const refused = await api.post<{ detail: { loc: unknown[]; msg: string }[] }>('/scenarios', {
    id: 'reviewer',
    name: 'Reviewer',
    triggers: [{ match: 'regex', pattern: REVIEWER, priority: 100 }],
    steps: [{ type: 'text', chunks: ['never'] }],
  });
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.body.detail[0]?.loc, ['body', 'triggers', 0, 'pattern']);
  assert.match(refused.body.detail[0]?.msg ?? '', /compiles to 3002 steps.*the limit is 1000/);
  const stored = await api.post('/scenarios', {
    id: 'costly',
    name: 'Costly',
    triggers: [{ match: 'regex', pattern: AT_THE_LIMIT[0], priority: 100 }],
    steps: [{ type: 'text', chunks: ['Costly'] }],
  });
  assert.equal(stored.status, 201);

  let answer = '';
  const holdUp = await loopHoldUpDuring(async () => {
    const response = await fetch(`${server.url}/agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ threadId: 't', runId: 'r', messages: [{ id: 'm', role: 'user', content: HUGE_MESSAGE }] }),
    });
    answer = await response.text();
  });
  assert.ok(answer.includes('RUN_FINISHED') || answer.includes('RUN_ERROR'), answer.slice(0, 200));
  assert.ok(!answer.includes('Costly'), 'no `z` in the characters read: the trigger does not hold');
  // Before the bound this held the loop for about 25 s; now well under 100 ms. Generous, for slow machines.
  assert.ok(holdUp.busyMs < 2_000, `the event loop was held ${holdUp.busyMs.toFixed(0)} ms`);
});

test('counted repetitions adding up past the limit are refused before compiling (building them would take long)', () => {
  const pattern = 'a{1000}'.repeat(140);
  assert.throws(() => compileUserRegex(pattern), /counted repetitions add up to 140000/);
  assert.equal(compileUserRegex('[a-z]{1,255}').test('abc'), true);
});
