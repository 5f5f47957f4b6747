import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScenarioCatalogue, ScenarioValidationError } from '../src/server/scenarios/scenario-catalogue';
import { compileUserRegex, USER_REGEX_MAX_LENGTH, UserRegexError } from '../src/server/support/user-regex';
import { decodeWorkspaceValue } from '../src/server/workspace/workspace-codec';
import { WORKSPACE_VERSION } from '../src/shared/workspace';
import { AguiSocket, assertValidStream } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// User patterns run on RE2: linear in the input whatever the pattern. No timing is measured here: on a
// backtracking engine these inputs take longer than the universe has, so finishing at all is the proof (the
// test timeout turns a regression into a failure rather than a hang).
const NEVER_ON_A_BACKTRACKER = { timeout: 60_000 };

const CATASTROPHIC = ['^(a+)+$', '(a|aa)*$', '^(a|a?)+$', '(x+x+)+y', '^(\\w+\\s?)*$'];

test(
  'catastrophic patterns against thousands of characters complete, with the right answer',
  NEVER_ON_A_BACKTRACKER,
  () => {
    const almost = `${'a'.repeat(20_000)}!`;
    for (const pattern of CATASTROPHIC) {
      const regex = compileUserRegex(pattern, { caseInsensitive: true });
      assert.equal(regex.test(almost), pattern === '(a|aa)*$', pattern);
    }
    assert.equal(compileUserRegex('(x+x+)+y').test('x'.repeat(20_000)), false);
    assert.equal(compileUserRegex('^(a+)+$').test('a'.repeat(20_000)), true);
  },
);

test('matching is unanchored like RegExp.test; case-insensitive only when asked, Unicode included', () => {
  assert.equal(compileUserRegex('kvk \\d{8}').test('mijn KVK 92251854 graag'), false);
  assert.equal(compileUserRegex('kvk \\d{8}', { caseInsensitive: true }).test('mijn KVK 92251854 graag'), true);
  assert.equal(compileUserRegex('^café$', { caseInsensitive: true }).test('CAFÉ'), true);
  assert.equal(compileUserRegex('^hallo$').test('hallo\nwereld'), false, '$ is the end of the input');
});

test('patterns RE2 cannot run are refused with a message that says why', () => {
  for (const [pattern, reason] of [
    ['(?=x)a', /unsupported Perl syntax at `\(\?=`/],
    ['(a)\\1', /invalid escape sequence at `\\1`/],
    ['(a', /missing closing \) at `\(a`/],
    ['a{1001}', /`\{1001\}` repeats its part more than 1000 times, the most RE2 allows: lower the count/],
    ['x'.repeat(USER_REGEX_MAX_LENGTH + 1), /the limit is 1000/],
  ] as const) {
    assert.throws(
      () => compileUserRegex(pattern, { caseInsensitive: true }),
      (error: Error) =>
        error instanceof UserRegexError && reason.test(error.message) && /RE2|limit/.test(error.message),
      pattern,
    );
  }
});

test('a counted repetition RE2 refuses is refused saying which rule it breaks and what to change', () => {
  // RE2 alone says "invalid repeat count at `{100}`", and the RE2 syntax note (lookaround…) points elsewhere.
  for (const [pattern, reason] of [
    [
      '(a{100}){100}',
      'the counted repetition `{100}` repeats a part with counted repetitions of its own, and RE2 allows at most 1000 repetitions with nested counts multiplied (`(a{100}){100}` would be 10000): lower the counts, or use + or *',
    ],
    ['(a{2,}){600}', /^the counted repetition `\{600\}` repeats a part with counted repetitions of its own/],
    ['x{2000,}', /^the counted repetition `\{2000,\}` repeats its part more than 1000 times/],
    ['x{5,2}', 'the counted repetition `{5,2}` has its larger count first: write {2,5}'],
  ] as const) {
    assert.throws(
      () => compileUserRegex(pattern),
      (error: Error) => {
        assert.ok(error instanceof UserRegexError);
        const said = error.message.replace(/^not a pattern the engine can run: /, '');
        if (typeof reason === 'string') assert.equal(said, reason);
        else assert.match(said, reason);
        return true;
      },
      pattern,
    );
  }
});

test("a route whose regex nests counted repetitions past RE2's limit is refused with what to fix", async () => {
  const server = await startTestEngine({ template: 'blank' });
  const answer = await controlClient(server).post<{ detail: { loc: unknown[]; msg: string }[] }>('/routes', {
    id: 'nested',
    method: 'GET',
    path: '/nested',
    responses: [{ id: 'a', when: { query: { q: { regex: '(a{100}){100}' } } }, body: { json: 1 } }],
  });
  assert.equal(answer.status, 422);
  assert.deepEqual(answer.body.detail[0]?.loc, ['body', 'responses', 0, 'when', 'query', 'q']);
  assert.match(answer.body.detail[0]?.msg ?? '', /nested counts multiplied .*: lower the counts, or use \+ or \*$/);
});

const scenario = (pattern: string) => ({
  id: 'pattern',
  name: 'Pattern',
  triggers: [
    { match: 'substring', value: 'hallo' },
    { match: 'regex', pattern },
  ],
  steps: [{ type: 'text', chunks: ['Gevonden'] }],
});

test('a trigger RE2 refuses is refused when stored, naming the field, wherever the scenario comes from', async () => {
  const catalogue = new ScenarioCatalogue();
  assert.throws(
    () => catalogue.put(scenario('(?<=a)b')),
    (error: Error) =>
      error instanceof ScenarioValidationError &&
      error.issues[0]?.path === 'triggers.1.pattern' &&
      /RE2 syntax/.test(error.message),
  );
  assert.equal(catalogue.get('pattern'), undefined);

  const server = await startTestEngine();
  const answer = await controlClient(server).post<{ detail: { loc: unknown[]; msg: string }[] }>(
    '/scenarios',
    scenario('(a)\\1'),
  );
  assert.equal(answer.status, 422);
  assert.deepEqual(answer.body.detail[0]?.loc, ['body', 'triggers', 1, 'pattern']);
  assert.match(answer.body.detail[0]?.msg ?? '', /invalid escape sequence at `\\1`/);

  assert.throws(
    () =>
      decodeWorkspaceValue(
        {
          version: WORKSPACE_VERSION,
          name: 'w',
          settings: {},
          packs: [{ pack: 'agora-mock', data: emptyAgora() }],
          scenarios: [scenario('(?!x)')],
        },
        'w.agui.json',
      ),
    /scenarios\.0\.triggers\.1\.pattern/,
  );
});

function emptyAgora() {
  return { users: [], currentUserId: null, userAliases: {}, sessions: [] };
}

test(
  '/ws: a `^(a+)+$` trigger answers a 28-character message and a 5,000-character one normally',
  NEVER_ON_A_BACKTRACKER,
  async () => {
    const server = await startTestEngine();
    const api = controlClient(server);
    assert.equal(
      (
        await api.post('/scenarios', {
          ...scenario('^(a+)+$'),
          triggers: [{ match: 'regex', pattern: '^(a+)+$', priority: 100 }],
        })
      ).status,
      201,
    );
    const ws = await AguiSocket.open(server.wsUrl);
    const messages = [`${'a'.repeat(27)}!`, 'a'.repeat(28), `${'a'.repeat(5_000)}!`];
    for (const [index, content] of messages.entries()) {
      ws.send({ threadId: `regex-${index}`, messages: [{ role: 'user', content }] });
      await ws.waitForRuns(index + 1, 30_000);
    }
    await assertValidStream(ws.events);
    const answers = ws.events
      .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT')
      .reduce<Map<string, string>>(
        (texts, event) => texts.set(event.messageId, (texts.get(event.messageId) ?? '') + event.delta),
        new Map(),
      );
    const byRun = [...answers.values()];
    assert.equal(ws.events.filter((event) => event.type === 'RUN_FINISHED').length, 3);
    assert.ok(byRun.includes('Gevonden'), 'the all-a message matched the trigger');
    assert.equal(byRun.filter((text) => text === 'Gevonden').length, 1, 'the others went to the AGORA pack');
    await ws.close();
  },
);

test("a scenario's schema problems are stored in words, not the schema library's", () => {
  const catalogue = new ScenarioCatalogue();
  assert.throws(
    () => catalogue.put({ id: 'words', name: 'Words', triggers: [], steps: [{ type: 'text', chunks: [] }] }),
    (error: Error) =>
      error instanceof ScenarioValidationError &&
      error.issues.some(
        (issue) => issue.path === 'steps.0.chunks' && issue.message === 'a text step needs at least one chunk',
      ) &&
      !/Too small|expected|>=/.test(error.message),
  );
});
