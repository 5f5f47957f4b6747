import assert from 'node:assert/strict';
import { test } from 'node:test';
import Handlebars from 'handlebars';
import { renderSession, TemplateEngine } from '../src/server/templates/template-engine';
import { MAX_COUNTERS, TemplateCounters } from '../src/server/templates/template-helpers';
import type { TemplateScope } from '../src/server/templates/template-scope';
import { MountIssues, MountValidationError } from '../src/server/world/mount-validation-error';
import type { JsonValue } from '../src/shared/json-value';

const scope: TemplateScope = {
  params: { id: 7, name: 'ada' },
  query: { q: 'Hello', n: '3', flag: 'true' },
  headers: { 'x-token': 'abc', accept: 'application/json' },
  body: {
    items: [
      { sku: 'a', qty: 2 },
      { sku: 'b', qty: 3 },
    ],
    nested: { ok: true },
    none: null,
  },
  method: 'POST',
  path: '/orders/7',
  url: '/orders/7?q=Hello',
};

function json(engine: TemplateEngine, value: JsonValue, session = renderSession('route:t')): JsonValue {
  const issues = new MountIssues();
  const template = engine.compileJson(value, ['body', 'json'], issues);
  issues.throwIfAny();
  return template.render(scope, session);
}
const text = (engine: TemplateEngine, source: string) =>
  engine.compileText(source).render(scope, renderSession('route:t'));

test('a string that is exactly one expression keeps the JSON type of its value', () => {
  const engine = new TemplateEngine();
  assert.deepEqual(
    json(engine, {
      id: '{{params.id}}',
      body: '{{body}}',
      nested: '{{{body.nested}}}',
      missing: '{{query.nothing}}',
      null: '{{body.none}}',
      sum: '{{add params.id 1}}',
      same: '{{eq query.n 3}}',
      count: '{{length body.items}}',
      text: 'id {{params.id}}',
      spaced: ' {{params.id}}',
      list: ['{{params.name}}', 2, { deep: '{{body.items.1.sku}}' }],
    }),
    {
      id: 7,
      body: scope.body as JsonValue,
      nested: { ok: true },
      missing: null,
      null: null,
      sum: 8,
      same: true,
      count: 2,
      text: 'id 7',
      spaced: ' 7',
      list: ['ada', 2, { deep: 'b' }],
    },
  );
});

test('templates of text and plain lookups render exactly as Handlebars renders them', () => {
  // The engine renders these without Handlebars' per-call set-up (plain-template.ts): the results must not differ,
  // including where Handlebars decides (inherited properties, primitives' properties), which falls back to it.
  const tricky = {
    ...scope,
    body: JSON.parse(
      '{"zero":0,"no":false,"empty":"","list":[1,"two",null],"obj":{"a":1},"__proto__":{"x":"own"},"word":"abc"}',
    ),
  };
  const sources = [
    'plain text',
    '{{params.id}}',
    '{{params.name}} has {{body.zero}} and {{body.no}}, "{{body.empty}}"',
    '{{body.list}} / {{body.obj}} / {{body.list.[1]}} / {{body.list.1.x}} / {{body.list.[9]}}',
    '{{body.missing.deeper}}|{{query.nothing}}|{{body.__proto__.x}}',
    '{{body.word.length}} {{body.list.length}} {{body.obj.toString}} {{body.constructor}}',
    '{{{params.name}}} {{~params.id~}} !{{! a comment }} {{params/name}} {{this.params.id}} {{[params].id}}',
  ];
  const engine = new TemplateEngine();
  const reference = Handlebars.create();
  for (const source of sources) {
    const expected = reference.compile(source, { noEscape: true })(tricky);
    assert.equal(engine.compileText(source).render(tricky, renderSession('route:t')), expected, source);
  }
  const issues = new MountIssues();
  const typed = engine.compileJson(
    { zero: '{{body.zero}}', list: '{{body.list}}', word: '{{body.word.length}}', gone: '{{body.x.y}}' },
    ['body'],
    issues,
  );
  issues.throwIfAny();
  assert.deepEqual(typed.render(tricky, renderSession('route:t')), {
    zero: 0,
    list: [1, 'two', null],
    word: 3,
    gone: null,
  });
});

test('helpers: now, uuid, json, default, comparisons, math, case, length, lookup', () => {
  const engine = new TemplateEngine();
  assert.match(text(engine, '{{now}}'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.match(text(engine, '{{now "YYYY-MM-DD HH:mm:ss.SSS"}}'), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
  const unix = json(engine, '{{now "unix"}}') as number;
  assert.ok(Math.abs(unix - Date.now() / 1000) < 60);
  assert.match(text(engine, '{{uuid}}'), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(text(engine, '{{json body.nested}}|{{json query.none}}'), '{"ok":true}|null');
  assert.equal(text(engine, '{{json body.nested 2}}'), '{\n  "ok": true\n}');
  assert.equal(text(engine, '{{default query.nothing "x"}}-{{default query.q "x"}}'), 'x-Hello');
  assert.equal(
    text(engine, '{{#if (and (gt params.id 5) (lte query.n 3) (ne method "GET"))}}yes{{else}}no{{/if}}'),
    'yes',
  );
  assert.equal(text(engine, '{{#unless (or (lt params.id 1) (not query.flag))}}kept{{/unless}}'), 'kept');
  assert.equal(text(engine, '{{subtract 10 params.id}} {{multiply query.n 2}} {{divide 9 query.n}}'), '3 6 3');
  assert.equal(text(engine, '{{uppercase params.name}} {{lowercase query.q}}'), 'ADA hello');
  assert.equal(text(engine, '{{length query}} {{length params.name}} {{length body.items}}'), '3 3 2');
  assert.equal(text(engine, '{{lookup headers "x-token"}} {{headers.x-token}}'), 'abc abc');
  const roll = json(engine, '{{randomInt 1 6}}') as number;
  assert.ok(Number.isInteger(roll) && roll >= 1 && roll <= 6);
});

test('blocks: each with block params and @index, with, ../ and @root reach the request', () => {
  const engine = new TemplateEngine();
  assert.equal(
    text(
      engine,
      '{{#each body.items as |item i|}}{{i}}:{{item.sku}}x{{qty}}@{{../params.id}}/{{@root.method}};{{/each}}',
    ),
    '0:ax2@7/POST;1:bx3@7/POST;',
  );
  assert.equal(text(engine, '{{#with body.nested}}{{ok}}{{/with}}'), 'true');
  assert.equal(text(engine, '{{#each body.missing}}x{{else}}empty{{/each}}'), 'empty');
});

test('counters: one per route unless named, the same value throughout one response, reset with the engine', () => {
  const engine = new TemplateEngine();
  const template = { a: '{{counter}}', b: '{{counter}}', named: '{{counter "orders"}}' };
  assert.deepEqual(json(engine, template, renderSession('route:one')), { a: 1, b: 1, named: 1 });
  assert.deepEqual(json(engine, template, renderSession('route:one')), { a: 2, b: 2, named: 2 });
  assert.deepEqual(json(engine, template, renderSession('route:two')), { a: 1, b: 1, named: 3 });
  assert.deepEqual(json(new TemplateEngine(), template, renderSession('route:one')), { a: 1, b: 1, named: 1 });
});

test('counters kept are bounded: past the bound the one counted longest ago starts again at 1', () => {
  const counters = new TemplateCounters();
  assert.equal(counters.next('route:a'), 1);
  for (let index = 0; index < MAX_COUNTERS - 1; index++) counters.next(`named:${index}`);
  assert.equal(counters.next('route:a'), 2, 'counted again: now the most recent');
  counters.next('named:one-more');
  assert.equal(counters.next('named:0'), 1, 'the one counted longest ago was forgotten');
  assert.equal(counters.next('route:a'), 3);
});

test('whether a template reads the body is known when it is stored', () => {
  const engine = new TemplateEngine();
  const reads = (source: string) => engine.compileText(source).usesBody;
  assert.equal(reads('{{query.q}} {{#each headers}}{{this}}{{/each}} {{#with params}}{{name}}{{/with}}'), false);
  for (const source of [
    '{{body.a}}',
    '{{json body}}',
    '{{#each body.items}}{{/each}}',
    '{{@root.body}}',
    '{{json this}}',
    '{{#with query}}{{../body}}{{/with}}',
  ])
    assert.equal(reads(source), true, source);
  assert.equal(reads('no template at all'), false);
});

test('templates that cannot work are refused when stored, each at its place, with what is wrong', () => {
  const engine = new TemplateEngine();
  const issues = new MountIssues();
  engine.compileJson(
    {
      root: '{{request.id}}',
      helper: '{{upper params.name}}',
      arity: '{{add 1}}',
      block: '{{#eq 1 1}}x{{/eq}}',
      inline: '{{if params.id}}',
      partial: '{{> item}}',
      parse: '{{#each body.items}}',
      mismatch: '{{#if params.id}}{{/each}}',
      literal: '{{"text"}}',
      fine: ['{{params.id}}', '{{#each body.items}}{{sku}}{{/each}}'],
    },
    ['routes', 0, 'responses', 1, 'body', 'json'],
    issues,
  );
  let error: unknown;
  try {
    issues.throwIfAny();
  } catch (thrown) {
    error = thrown;
  }
  assert.ok(error instanceof MountValidationError);
  const found = Object.fromEntries(error.issues.map((issue) => [issue.path.split('.').at(-1), issue.message]));
  assert.deepEqual(Object.keys(found), [
    'root',
    'helper',
    'arity',
    'block',
    'inline',
    'partial',
    'parse',
    'mismatch',
    'literal',
  ]);
  assert.match(
    found.root ?? '',
    /unknown name "request.id": a template reads params, query, headers, body, method, path, url/,
  );
  assert.match(found.helper ?? '', /unknown helper "upper"/);
  assert.match(found.arity ?? '', /helper "add" takes 2 arguments, got 1/);
  assert.match(found.block ?? '', /"eq" is not a block helper/);
  assert.match(found.inline ?? '', /"if" is a block helper/);
  assert.match(found.partial ?? '', /partials/);
  assert.match(
    found.parse ?? '',
    /does not parse: line 1, column 21: unexpected end of the template: is a block not closed \(\{\{\/…\}\}\)\?/,
  );
  assert.match(found.mismatch ?? '', /does not parse: if doesn't match each/);
  assert.match(found.literal ?? '', /a literal cannot be called/);
  assert.equal(error.issues[0]?.path, 'routes.0.responses.1.body.json.root');
});

test('a render that loops too much, or writes too much in its loops, stops at its limit', () => {
  const engine = new TemplateEngine();
  const many = Array.from({ length: 1000 }, (_, index) => index);
  const template = engine.compileText('{{#each body}}{{#each ../body}}.{{/each}}{{/each}}');
  assert.throws(() => template.render({ ...scope, body: many }, renderSession('k')), {
    name: 'TemplateLimitError',
    message: /more than 100000 block iterations/,
  });
  // A few turns, each writing a large body: stopped once the loop has written 16 Mi characters, not at hundreds of MB.
  const large = { items: Array.from({ length: 500 }, (_, index) => index), pad: 'x'.repeat(1_000_000) };
  const echo = engine.compileText('{{#each body.items}}{{json @root.body}}{{/each}}');
  assert.throws(() => echo.render({ ...scope, body: large }, renderSession('k')), {
    name: 'TemplateLimitError',
    message: /its loops wrote more than 16777216 characters/,
  });
  const small = { items: [1, 2], pad: 'x' };
  assert.equal(echo.render({ ...scope, body: small }, renderSession('k')), JSON.stringify(small).repeat(2));
});

test("a template reads @root and {{#each}}'s data only: not the render's own, and no named arguments", () => {
  const engine = new TemplateEngine();
  const refused = (source: string, message: RegExp) =>
    assert.throws(() => engine.compileText(source), { name: 'TemplateCompileError', message }, source);
  // @session held the render's budget (a circular value: "{{@session}}" answered 500) and the last value it measured.
  refused('{{@session}}', /unknown name "@session": a template reads @root, and @index, @key, @first and @last/);
  refused('{{json @session.budget.sized}}', /unknown name "@session\.budget\.sized"/);
  refused('{{#each body.items}}{{@captured}}{{/each}}', /unknown name "@captured"/);
  refused('{{@index}}', /"@index" is set only inside \{\{#each\}\}/);
  refused('{{json body indent=2}}', /named arguments \(indent=…\) are not read: give the values in order/);
  refused('{{default body.x fallback=1}}', /named arguments \(fallback=…\)/);
  assert.equal(
    engine.compileText('{{#each body.items}}{{@index}}{{@first}}{{@last}}{{/each}}').render(scope, renderSession('t')),
    '0truefalse1falsetrue',
  );
  assert.equal(engine.compileText('{{#each body.nested}}{{@key}}{{/each}}').render(scope, renderSession('t')), 'ok');
});

test('randomInt: arguments written in the template are checked when stored; a request’s are its own fault', () => {
  const engine = new TemplateEngine();
  assert.throws(() => engine.compileText('{{randomInt 9 1}}'), {
    name: 'TemplateCompileError',
    message: /randomInt: needs two integers, min <= max \(got 9 and 1\)/,
  });
  assert.throws(() => engine.compileText('{{randomInt "a" 1}}'), { message: /got "a" and 1/ });
  // Blank text and null are no number, as for arithmetic (they were read as 0).
  assert.throws(() => engine.compileText('{{randomInt null 3}}'), { message: /got null and 3/ });
  assert.throws(() => engine.compileText('{{randomInt " " 3}}'), { message: /got " " and 3/ });
  // A fraction is no integer (rounded inwards, it drew from the integers between).
  assert.throws(() => engine.compileText('{{randomInt 0.5 3}}'), { message: /got 0\.5 and 3/ });
  const fromQuery = engine.compileText('{{randomInt query.a query.b}}');
  // TemplateValueError: the route answers 400 with the message, where it answered 500.
  for (const query of [
    { a: 'x', b: 'y' },
    { a: '9', b: '1' },
    { a: '-9e15', b: '9e15' },
    { a: '', b: '3' },
  ])
    assert.throws(() => fromQuery.render({ ...scope, query }, renderSession('t')), {
      name: 'TemplateValueError',
      message: /^randomInt: /,
    });
  const drawn = Number(fromQuery.render({ ...scope, query: { a: '1', b: '3' } }, renderSession('t')));
  assert.ok(drawn >= 1 && drawn <= 3, String(drawn));
});

test('helpers that read large values without writing them spend from the response budget: 413, not minutes', () => {
  const engine = new TemplateEngine();
  const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, index) => [`k${index}`, index]));
  // Before: 21.7 s for a 110 KB body (each turn counted the whole body's keys), and 20,000 keys never ended.
  for (const source of [
    '{{#each body}}{{length @root.body}}{{/each}}',
    '{{#each body}}{{#if (eq @root.body @root.body)}}.{{/if}}{{/each}}',
    '{{#each body}}{{counter @root.body}}{{/each}}',
  ])
    assert.throws(
      () => engine.compileText(source).render({ ...scope, body: wide }, renderSession('t')),
      { name: 'TemplateLimitError', message: /its helpers would read more than 16777216 characters of values/ },
      source,
    );
  // Arithmetic refuses an object at once: a million-digit number read in every turn must be counted too.
  const digits = { n: `${'0'.repeat(1_000_000)}1`, items: Array.from({ length: 100 }, (_, i) => i) };
  assert.throws(
    () =>
      engine
        .compileText('{{#each body.items}}{{add @root.body.n 1}}{{/each}}')
        .render({ ...scope, body: digits }, renderSession('t')),
    { name: 'TemplateLimitError', message: /its helpers would read more than 16777216 characters of values/ },
  );
  const long = { a: 'x'.repeat(200_000), b: 'x'.repeat(200_000), items: Array.from({ length: 1000 }, (_, i) => i) };
  assert.throws(
    () =>
      engine
        .compileText('{{#each body.items}}{{#if (eq @root.body.a @root.body.b)}}.{{/if}}{{/each}}')
        .render({ ...scope, body: long }, renderSession('t')),
    { name: 'TemplateLimitError' },
  );
  // What people write stays well inside it.
  const items = { items: Array.from({ length: 5000 }, (_, i) => ({ sku: `s${i}`, qty: i })), total: 5000 };
  const picked = engine
    .compileText('{{length body.items}}:{{#each body.items}}{{#if (gt qty 4997)}}{{sku}}{{/if}}{{/each}}')
    .render({ ...scope, body: items }, renderSession('t'));
  assert.equal(picked, '5000:s4998s4999');
});

test('blocks and subexpressions nested deeper than people write are refused before Handlebars parses them', () => {
  const engine = new TemplateEngine();
  const ifs = (depth: number) => `${'{{#if body}}'.repeat(depth)}x${'{{/if}}'.repeat(depth)}`;
  assert.equal(engine.compileText(ifs(64)).render(scope, renderSession('t')), 'x');
  // Before: 3,000 levels held the engine 19 s, then "Maximum call stack size exceeded".
  for (const depth of [65, 3000])
    assert.throws(() => engine.compileText(ifs(depth)), {
      name: 'TemplateCompileError',
      message: /^blocks nest deeper than 64 levels$/,
    });
  const calls = (depth: number) => `{{json ${'(json '.repeat(depth)}body${')'.repeat(depth)}}}`;
  assert.ok(engine.compileText(calls(32)));
  assert.throws(() => engine.compileText(calls(5000)), {
    message: /subexpressions nest deeper than 32 levels in one tag/,
  });
  // Comments may hold anything.
  assert.equal(engine.compileText(`{{!-- ${ifs(100)} --}}ok`).render(scope, renderSession('t')), 'ok');
  assert.equal(engine.compileText(`{{~!-- ${ifs(100)} --~}}ok`).render(scope, renderSession('t')), 'ok');
  // Read as Handlebars reads them: braces in string literals, escaped tags, else-if chains (each one more level).
  for (const deep of [
    `${'{{#if "}"}}'.repeat(100)}x${'{{/if}}'.repeat(100)}`,
    `${'\\{{/if}}'.repeat(100)}${ifs(100)}`,
    `{{#if body}}${'{{else if body}}'.repeat(100)}{{/if}}`,
    `{{#if body}}${'{{~else if body~}}'.repeat(100)}{{/if}}`,
  ])
    assert.throws(
      () => engine.compileText(deep),
      { message: /^blocks nest deeper than 64 levels$/ },
      deep.slice(0, 40),
    );
  assert.throws(() => engine.compileText(`{{json ${'(json "}" '.repeat(40)}${')'.repeat(40)}}}`), {
    message: /subexpressions nest deeper than 32/,
  });
  assert.equal(
    engine
      .compileText(`{{#if body}}${'{{else if body}}'.repeat(60)}{{/if}}${ifs(3)}`)
      .render(scope, renderSession('t')),
    'x',
  );
  assert.equal(
    engine.compileText(`${'\\{{#if}}'.repeat(100)}`).render(scope, renderSession('t')),
    '{{#if}}'.repeat(100),
  );
  assert.equal(
    engine.compileText(`{{lookup body "((((((((((((((((((((((((((((((((((("}}`).render(scope, renderSession('t')),
    '',
  );
  // One pass: a megabyte of openings that never close is refused as it parses, not scanned again from each one
  // (the first cut of this check read to the end from every "{{": minutes on these).
  for (const unclosed of ['{', '{{!--', '{{!', '{{a', '{{"'])
    assert.throws(() => engine.compileText(unclosed.repeat(Math.ceil(1_000_000 / unclosed.length))), {
      name: 'TemplateCompileError',
    });
});

test('adjacent values are written one after the other, never added, at the top and inside blocks', () => {
  const engine = new TemplateEngine();
  const body = { a: 1, b: 2, t: true, items: [5, 6] };
  const render = (source: string) => engine.compileText(source).render({ ...scope, body }, renderSession('t'));
  // Handlebars 4.7.10 under noEscape wrote "3", "133" and "11" for these (handlebars.js#1838).
  assert.equal(render('{{#if body}}{{body.a}}{{body.b}}{{/if}}'), '12');
  assert.equal(render('{{#each body.items}}{{@index}}{{this}}{{/each}}'), '0516');
  assert.equal(render('{{#with body}}{{a}}{{t}}{{b}}{{/with}}'), '1true2');
  assert.equal(render('{{body.a}}{{body.b}}'), '12');
  assert.deepEqual(json(engine, { n: '{{#each body.items}}{{qty}}{{qty}}{{/each}}' }), { n: '2233' });
});

test('lookup, now and length cost what they read: a list as a key, a long format, an object of many keys', () => {
  const engine = new TemplateEngine();
  const zeros = (count: number) => Array.from({ length: count }, () => 0);
  // Before: 5.7 s, 4.6 s and 3.4 s, each for one request of under a megabyte.
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      '{{#each body.i}}{{lookup ../body ../body.k}}{{/each}}',
      { i: zeros(1000), k: zeros(400_000) },
      /helpers would read/,
    ],
    [
      '{{#each body.i}}{{length ../body.o}}{{/each}}',
      { i: zeros(1000), o: Object.fromEntries(Array.from({ length: 80_000 }, (_, n) => [`k${n}`, 0])) },
      /helpers would read/,
    ],
  ];
  for (const [source, body, message] of cases)
    assert.throws(() => engine.compileText(source).render({ ...scope, body }, renderSession('t')), {
      name: 'TemplateLimitError',
      message,
    });
  assert.throws(
    () =>
      engine
        .compileText('{{#each body.i}}{{#if (now ../body.f)}}{{/if}}{{/each}}')
        .render({ ...scope, body: { i: zeros(100), f: 'MM'.repeat(480_000) } }, renderSession('t')),
    { name: 'TemplateValueError', message: /^now: a format is at most 200 characters \(got 960000\)$/ },
  );
  assert.throws(
    () => engine.compileText('{{randomInt}}'),
    (error: Error) => {
      assert.equal(
        error.message,
        'helper "randomInt" takes 2 arguments, got 0: {{randomInt min max}} (both included) (line 1, column 1)',
      );
      return true;
    },
  );
  assert.equal(engine.compileText('{{lookup body.items 1}}').render(scope, renderSession('t')), '[object Object]');
  // Indented, a deep list of a megabyte is refused before it is written: it would be about 290 million characters.
  let deep: unknown = zeros(480_000);
  for (let level = 0; level < 59; level++) deep = [deep];
  assert.throws(() => engine.compileText('{{json body 10}}').render({ ...scope, body: deep }, renderSession('t')), {
    name: 'TemplateLimitError',
    message: /^json: indented, the value would be more than 67108864 characters$/,
  });
  assert.equal(
    engine.compileText('{{json body.items 2}}').render(scope, renderSession('t')),
    JSON.stringify((scope.body as { items: unknown }).items, null, 2),
  );
});
