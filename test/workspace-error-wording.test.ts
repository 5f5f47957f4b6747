import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { buildCli, CLI } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { workspaceDir } from './helpers/workspace-files';

// A workspace's problems in words that say what to fix, the same through `agui-mock validate` (the real bin file)
// and the control API's 422s (a real engine): a field that takes one of several forms names them, not zod's
// "Invalid input" or "Invalid discriminator value"; and a problem found when compiling echoes the value sent.

const dir = await workspaceDir();
before(() => buildCli());

const route = (id: string, response: Record<string, unknown>) => ({ id, path: `/${id}`, responses: [response] });
const scenario = (id: string, fields: Record<string, unknown>) => ({
  id,
  name: id,
  triggers: [],
  steps: [],
  ...fields,
});

/** One mistake per mount, each at its own path, with the words both `validate` and the API give it. */
const MISTAKES = {
  bodyTypo: {
    route: route('typo', { id: 'a', body: { jsn: { v: 1 } } }),
    at: ['responses', 0, 'body'],
    type: 'value_error',
    words: 'give exactly one of "json", "text" or "file" (got "jsn")',
  },
  bodyTwice: {
    route: route('twice', { id: 'a', body: { json: { v: 1 }, text: 'a' } }),
    at: ['responses', 0, 'body'],
    type: 'value_error',
    words: 'give exactly one of "json", "text" or "file" (got both "json" and "text")',
  },
  bodyWrongType: {
    route: route('wrong', { id: 'a', body: { text: 5 } }),
    at: ['responses', 0, 'body'],
    type: 'value_error',
    words: 'text: must be text (a string)',
  },
  matcherTypo: {
    route: route('matcher', { id: 'a', when: { headers: { 'x-a': { eqals: 'b' } } } }),
    at: ['responses', 0, 'when', 'headers', 'x-a'],
    type: 'value_error',
    words: 'give exactly one of "equals", "regex", "exists" or "contains" (got "eqals")',
  },
  faultType: {
    route: route('fault', { id: 'a', fault: { type: 'rset' } }),
    at: ['responses', 0, 'fault', 'type'],
    type: 'union_tag_invalid',
    words: 'unknown fault type "rset": expected one of reset, empty, malformed, drip',
  },
};
const SOCKET = {
  socket: { id: 'live', path: '/live', behaviour: { type: 'ecko' } },
  at: ['behaviour', 'type'],
  words: 'unknown behaviour type "ecko": expected one of agui, echo, push, rules',
};
const STEP_TYPES =
  'emit, wait, step, text, toolCall, frontendToolCall, stateSnapshot, stateDelta, messagesSnapshot, custom, ' +
  'reasoning, activitySnapshot, activityDelta, setContext, let, branch, random, approval, interrupt';
const SCENARIOS = {
  stepType: {
    scenario: scenario('step-typo', { steps: [{ type: 'txt', chunks: ['hi'] }] }),
    at: ['steps', 0, 'type'],
    words: `unknown step type "txt": expected one of ${STEP_TYPES}`,
  },
  // zod's "Invalid input" for a value that may be any JSON: it is missing.
  missingResult: {
    scenario: scenario('no-result', { steps: [{ type: 'toolCall', name: 'lookup', args: {} }] }),
    at: ['steps', 0, 'result'],
    words: 'required',
  },
};
const PAYLOAD = {
  payload: { id: 'draft', name: 'Draft', kind: 'evnts', body: [] },
  words: 'unknown payload kind "evnts": expected one of events, macro, text, json',
};

/**
 * `validate FILE`'s problems, by path: the first on the line naming the file, the others one a line under it (none
 * when the file validates).
 */
async function validateProblems(name: string, workspace: Record<string, unknown>): Promise<Map<string, string>> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify({ version: 2, name: 'wording', ...workspace }));
  const result = spawnSync(process.execPath, [CLI, 'validate', file], { encoding: 'utf8' });
  const [first = '', ...others] = result.stderr.trimEnd().split('\n');
  const lines = [first.replace(`agui-mock: ${file}: `, '').replace(/ \(and \d+ more problems?\)$/, ''), ...others];
  const problems = lines.map((line) => /^\s*(\S+): (.*)$/.exec(line)).filter((match) => match !== null);
  return new Map(problems.map(([, path = '', problem = '']) => [path, problem]));
}

const dotted = (...path: (string | number)[]) => path.join('.');
const valueAt = (root: unknown, path: (string | number)[]) =>
  path.reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], root);

/** A 422's status and issues, the part each assertion is about. */
const answered = (answer: { status: number; body: unknown }) => ({
  status: answer.status,
  detail: (answer.body as { detail: unknown }).detail,
});

test('validate words a mistyped form or tag by what to fix, at its path', async () => {
  const problems = await validateProblems('mistakes.agui.json', {
    routes: Object.values(MISTAKES).map((mistake) => mistake.route),
    sockets: [SOCKET.socket],
    scenarios: Object.values(SCENARIOS).map((mistake) => mistake.scenario),
    payloads: [PAYLOAD.payload],
  });
  Object.values(MISTAKES).forEach((mistake, index) => {
    assert.equal(problems.get(dotted('routes', index, ...mistake.at)), mistake.words);
  });
  assert.equal(problems.get(dotted('sockets', 0, ...SOCKET.at)), SOCKET.words);
  Object.values(SCENARIOS).forEach((mistake, index) => {
    assert.equal(problems.get(dotted('scenarios', index, ...mistake.at)), mistake.words);
  });
  assert.equal(problems.get('payloads.0.kind'), PAYLOAD.words);
});

test('validate words the other unions of a workspace: settings, packs, frames, scenario lists', async () => {
  const problems = await validateProblems('more-mistakes.agui.json', {
    settings: { tls: 'on' },
    packs: [{ pack: 'agora', data: {} }],
    sockets: [
      { id: 'push', path: '/push', behaviour: { type: 'push', intervalMs: 100, frame: { txt: 'tick' } } },
      { id: 'agui', path: '/agui', behaviour: { type: 'agui', scenarios: 'all' } },
    ],
  });
  assert.equal(problems.get('settings.tls'), 'must be "off", "self-signed" or an object with "cert" and "key"');
  assert.equal(problems.get('packs.0.pack'), 'unknown pack "agora": expected one of agora-mock, agora-real');
  assert.equal(problems.get('sockets.0.behaviour.frame'), 'give exactly one of "text" or "json" (got "txt")');
  assert.equal(problems.get('sockets.1.behaviour.scenarios'), 'must be "*" or a list (an array)');
});

test('the control API words the same mistakes the same way, echoing the value sent', async () => {
  const api = controlClient(await startTestEngine());
  for (const mistake of Object.values(MISTAKES)) {
    const input = valueAt(mistake.route, mistake.at);
    assert.deepEqual(answered(await api.post('/routes', mistake.route)), {
      status: 422,
      detail: [{ type: mistake.type, loc: ['body', ...mistake.at], msg: mistake.words, input }],
    });
  }

  assert.deepEqual(answered(await api.post('/sockets', SOCKET.socket)), {
    status: 422,
    detail: [{ type: 'union_tag_invalid', loc: ['body', ...SOCKET.at], msg: SOCKET.words, input: 'ecko' }],
  });
  // No tag at all: pydantic's `union_tag_not_found`, in the same words.
  assert.deepEqual(answered(await api.post('/sockets', { ...SOCKET.socket, behaviour: {} })), {
    status: 422,
    detail: [
      {
        type: 'union_tag_not_found',
        loc: ['body', ...SOCKET.at],
        msg: 'missing behaviour type: expected one of agui, echo, push, rules',
        input: null,
      },
    ],
  });

  const { stepType, missingResult } = SCENARIOS;
  assert.deepEqual(answered(await api.post('/scenarios', stepType.scenario)), {
    status: 422,
    detail: [{ type: 'union_tag_invalid', loc: ['body', ...stepType.at], msg: stepType.words, input: 'txt' }],
  });
  // A value that may be any JSON, left out: missing, as FastAPI says it, with the object it is missing from.
  assert.deepEqual(answered(await api.post('/scenarios', missingResult.scenario)), {
    status: 422,
    detail: [
      {
        type: 'missing',
        loc: ['body', ...missingResult.at],
        msg: 'Field required',
        input: { type: 'toolCall', name: 'lookup', args: {} },
      },
    ],
  });

  // The store checks a payload on its own: the tag is the payload's `kind`, at the body's root, in pydantic's types.
  assert.deepEqual(answered(await api.put('/payloads/draft', PAYLOAD.payload)), {
    status: 422,
    detail: [
      {
        type: 'union_tag_invalid',
        loc: ['body', 'kind'],
        msg: 'unknown kind "evnts": expected one of events, macro, text, json',
        input: 'evnts',
      },
    ],
  });
  const { kind: _kind, ...untagged } = PAYLOAD.payload;
  assert.deepEqual(answered(await api.put('/payloads/draft', untagged)), {
    status: 422,
    detail: [
      {
        type: 'union_tag_not_found',
        loc: ['body', 'kind'],
        msg: 'missing kind: expected one of events, macro, text, json',
        input: null,
      },
    ],
  });
});

test('a problem found when compiling echoes the value sent at its place, as FastAPI does', async () => {
  const api = controlClient(await startTestEngine());
  const badPath = { id: 'items', path: '/items/:', responses: [{ id: 'a' }] };
  /** The issues' places and inputs, and whether each says what it is about. */
  const echoed = (answer: { status: number; body: unknown }, about: RegExp) => {
    const { status, detail } = answered(answer);
    const issues = detail as { loc: unknown; msg: string; input: unknown }[];
    return { status, issues: issues.map(({ loc, msg, input }) => ({ loc, about: about.test(msg), input })) };
  };

  assert.deepEqual(echoed(await api.post('/routes', badPath), /^invalid path pattern: /), {
    status: 422,
    issues: [{ loc: ['body', 'path'], about: true, input: '/items/:' }],
  });
  assert.deepEqual(echoed(await api.put('/routes', { items: [badPath] }), /^invalid path pattern: /), {
    status: 422,
    issues: [{ loc: ['body', 'items', 0, 'path'], about: true, input: '/items/:' }],
  });

  const badRegex = { id: 'regex', name: 'regex', triggers: [{ match: 'regex', pattern: '(' }], steps: [] };
  assert.deepEqual(echoed(await api.post('/scenarios', badRegex), /^not a pattern the engine can run: /), {
    status: 422,
    issues: [{ loc: ['body', 'triggers', 0, 'pattern'], about: true, input: '(' }],
  });
});

/** `validate`'s whole report: the headline's problem, then every other one, in order. */
function validateLines(file: string): string[] {
  const result = spawnSync(process.execPath, [CLI, 'validate', file], { encoding: 'utf8' });
  assert.equal(result.status, 1);
  return result.stderr.trimEnd().split('\n');
}

test('a misspelt key leads, with the name it likely meant, before the real key it leaves missing', async () => {
  const file = join(dir, 'misspelt.agui.json');
  await writeFile(
    file,
    JSON.stringify({
      version: 2,
      name: 'misspelt',
      sockets: [
        { id: 'us', path: '/us', behavior: { type: 'echo' } },
        { id: 'case', path: '/case', behaviour: { type: 'push', intervalms: 100, frame: { text: 'x' } } },
      ],
    }),
  );
  assert.deepEqual(validateLines(file), [
    `agui-mock: ${file}: sockets.0: unknown field behavior — did you mean behaviour? (and 3 more problems)`,
    '  sockets.0.behaviour: required',
    '  sockets.1.behaviour: unknown field intervalms — did you mean intervalMs?',
    '  sockets.1.behaviour.intervalMs: required',
  ]);

  // The control API's 422 puts the cause first too, and suggests the name beside pydantic's words.
  const api = controlClient(await startTestEngine());
  assert.deepEqual(answered(await api.post('/sockets', { id: 'us', path: '/us', behavior: { type: 'echo' } })), {
    status: 422,
    detail: [
      {
        type: 'extra_forbidden',
        loc: ['body', 'behavior'],
        msg: 'Extra inputs are not permitted: did you mean behaviour?',
        input: { type: 'echo' },
      },
      {
        type: 'missing',
        loc: ['body', 'behaviour'],
        msg: 'Field required',
        input: { id: 'us', path: '/us', behavior: { type: 'echo' } },
      },
    ],
  });
});

test('a frame given as text says it must be the object, and a template that does not parse says where and why', async () => {
  const frame = await validateProblems('frame.agui.json', {
    sockets: [{ id: 'plain', path: '/plain', behaviour: { type: 'push', intervalMs: 100, frame: 'tick' } }],
  });
  assert.equal(
    frame.get('sockets.0.behaviour.frame'),
    'must be an object with exactly one of "text" or "json", such as {"text": "tick"} (got "tick")',
  );
  // Templates are compiled once the schema holds.
  const template = await validateProblems('template.agui.json', {
    sockets: [
      { id: 'tpl', path: '/tpl', behaviour: { type: 'push', intervalMs: 100, frame: { text: 'id {{json.x}' } } },
    ],
  });
  assert.equal(
    template.get('sockets.0.behaviour.frame.text'),
    'template error: does not parse: line 1, column 12: a single "}" where "}}" closes the expression: is a "}" missing?',
  );
});
