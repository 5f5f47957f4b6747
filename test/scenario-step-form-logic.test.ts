import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { rendererModule } from '../e2e/helpers/renderer-module';
import { SCENARIO_STEP_TYPES, ScenarioSchema } from '../src/shared/scenario';

const { stepKinds, fieldTexts, stepFromTexts, scenarioSteps, withStep, stepLabel } = await rendererModule(
  'features/scenarios/step-form-fields.ts',
);
const { STEP_EXAMPLES } = await rendererModule('features/scenarios/step-examples.ts');

// The schema exactly as GET /__console/api/scenarios/schema serves it.
const schema = z.toJSONSchema(ScenarioSchema, { unrepresentable: 'any', cycles: 'ref' });
const kinds = stepKinds(schema);
const fieldOf = (type: string, name: string) =>
  kinds.get(type).fields.find((field: { name: string }) => field.name === name);

test('every step kind of the schema gets a form, with its description and its fields', () => {
  assert.deepEqual([...kinds.keys()].sort(), [...SCENARIO_STEP_TYPES].sort());
  for (const [type, kind] of kinds) {
    assert.ok(kind.description, `${type} has a description`);
    assert.ok(
      kind.fields.every((field: { name: string }) => field.name !== 'type'),
      'type is implied',
    );
    for (const field of kind.fields) assert.ok(field.description, `${type}.${field.name} has a description`);
  }
});

test('fields take their kind, bounds, options and required flag from the schema', () => {
  assert.deepEqual(
    { ...fieldOf('wait', 'ms'), description: '' },
    { name: 'ms', description: '', required: true, kind: 'number', integer: true, minimum: 0, maximum: 3600000 },
  );
  assert.equal(fieldOf('text', 'spoken').kind, 'boolean');
  assert.equal(fieldOf('text', 'spoken').required, false);
  assert.deepEqual(fieldOf('messagesSnapshot', 'history').options, ['request', 'none']);
  assert.equal(fieldOf('frontendToolCall', 'name').kind, 'string');
  assert.equal(fieldOf('frontendToolCall', 'name').minLength, 1);
  // Objects, arrays, unions and recursive parts ($ref) fall back to a JSON field.
  for (const [type, name] of [
    ['stateDelta', 'delta'],
    ['frontendToolCall', 'argsChunks'],
    ['stateSnapshot', 'snapshot'],
    ['random', 'branches'],
    ['interrupt', 'resolved'],
  ] as const)
    assert.equal(fieldOf(type, name).kind, 'json', `${type}.${name}`);
  assert.equal(fieldOf('stateDelta', 'delta').required, true);
});

test('a schema of another shape gives no kinds instead of failing', () => {
  assert.equal(stepKinds(null).size, 0);
  assert.equal(stepKinds({ properties: { steps: { $ref: '#/$defs/missing' } } }).size, 0);
  assert.equal(stepKinds({ properties: { steps: { items: { oneOf: [1, { properties: {} }] } } } }).size, 0);
});

test('every example goes through its form unchanged', () => {
  for (const type of SCENARIO_STEP_TYPES) {
    const kind = kinds.get(type);
    const example = STEP_EXAMPLES[type];
    const result = stepFromTexts(kind, fieldTexts(kind.fields, example));
    assert.deepEqual(result.problems, {}, type);
    assert.deepEqual(result.step, example, type);
  }
});

test('fields are checked as typed: required, numbers, enums, booleans, JSON, patterns', () => {
  const wait = kinds.get('wait');
  assert.deepEqual(stepFromTexts(wait, { ms: '' }).problems, { ms: 'Required.' });
  assert.deepEqual(stepFromTexts(wait, { ms: 'soon' }).problems, { ms: 'Not a number.' });
  assert.deepEqual(stepFromTexts(wait, { ms: '1.5' }).problems, { ms: 'A whole number.' });
  assert.deepEqual(stepFromTexts(wait, { ms: '-1' }).problems, { ms: 'At least 0.' });
  assert.deepEqual(stepFromTexts(wait, { ms: '99999999' }).problems, { ms: 'At most 3600000.' });
  assert.deepEqual(stepFromTexts(wait, { ms: ' 250 ' }), { step: { type: 'wait', ms: 250 }, problems: {} });

  const snapshot = kinds.get('messagesSnapshot');
  assert.match(stepFromTexts(snapshot, { history: 'all', messages: '[]' }).problems.history, /One of request, none/);
  assert.deepEqual(stepFromTexts(snapshot, { history: '', messages: '[]' }).step, {
    type: 'messagesSnapshot',
    messages: [],
  });

  const delta = kinds.get('stateDelta');
  assert.match(stepFromTexts(delta, { delta: '[{' }).problems.delta, /^Not JSON: /);
  assert.deepEqual(stepFromTexts(delta, { delta: '   ' }).problems, { delta: 'Required.' });
  // What only the whole step schema sees lands on its field: a random choice with no branch.
  const random = kinds.get('random');
  assert.ok(stepFromTexts(random, { branches: '[]' }).problems.branches);
  assert.equal(stepFromTexts(random, { branches: '[]' }).step, undefined);

  const tool = kinds.get('frontendToolCall');
  assert.match(stepFromTexts(tool, { name: 'x', id: '9lives' }).problems.id, /Must match/);
  assert.deepEqual(stepFromTexts(tool, { name: '' }).problems, { name: 'Required.' });

  const text = kinds.get('text');
  assert.deepEqual(stepFromTexts(text, { chunks: '["Hi"]', spoken: 'false' }).step, {
    type: 'text',
    chunks: ['Hi'],
    spoken: false,
  });
  assert.deepEqual(stepFromTexts(text, { chunks: '["Hi"]', spoken: 'yes' }).problems, { spoken: 'true or false.' });
});

test('steps go in at the end or replace the edited one; text that is not a JSON object takes none', () => {
  const text = JSON.stringify({ id: 's', steps: [{ type: 'wait', ms: 1 }] });
  assert.deepEqual(JSON.parse(withStep(text, { type: 'wait', ms: 2 }, null)).steps, [
    { type: 'wait', ms: 1 },
    { type: 'wait', ms: 2 },
  ]);
  assert.deepEqual(JSON.parse(withStep(text, { type: 'wait', ms: 3 }, 0)).steps, [{ type: 'wait', ms: 3 }]);
  assert.deepEqual(JSON.parse(withStep('{"id":"s"}', { type: 'wait', ms: 4 }, null)), {
    id: 's',
    steps: [{ type: 'wait', ms: 4 }],
  });
  assert.equal(withStep('{"id":', { type: 'wait', ms: 1 }, null), undefined);
  assert.equal(withStep('[]', { type: 'wait', ms: 1 }, null), undefined);
  assert.deepEqual(scenarioSteps(text), [{ type: 'wait', ms: 1 }]);
  assert.deepEqual(scenarioSteps('{"steps":7}'), []);
  assert.equal(scenarioSteps('nope'), undefined);
  assert.equal(
    stepLabel({ type: 'frontendToolCall', name: 'change_background' }, 1),
    '2. frontendToolCall · change_background',
  );
  assert.equal(stepLabel({ type: 'interrupt', id: 'confirm' }, 0), '1. interrupt · confirm');
  assert.equal(stepLabel('x', 0), '1. (not a step)');
});
