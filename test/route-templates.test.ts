import assert from 'node:assert/strict';
import { test } from 'node:test';
import Handlebars from 'handlebars';
import { renderSession, TemplateEngine } from '../src/server/templates/template-engine';
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
  assert.match(found.parse ?? '', /does not parse: line 1: unexpected end of the template/);
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
