import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonSchemas } from '../src/server/routes/json-schemas';
import { compileSteps } from '../src/server/scenarios/scenario-compiler';
import { DRY_RUN_MAX_CHARACTERS, DRY_RUN_MAX_STEPS, dryRunScenario } from '../src/server/scenarios/scenario-dry-run';
import type { Op, ScenarioProgram } from '../src/server/scenarios/scenario-program';
import { ScenarioTemplates } from '../src/server/scenarios/template';
import { ScenarioSchema } from '../src/shared/scenario';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// The dry run plays every path of a scenario; paths multiply the work. A scenario whose dry run would play more
// than the budget is refused before a single step is played, with an issue saying what to reduce — so a client
// cannot stall the engine by storing one. Work is counted (chunks the player reads), never timed.

const randomOf = (branches: unknown[][]) => ({ type: 'random', branches: branches.map((steps) => ({ steps })) });
const shortText = { type: 'text', chunks: ['a'], spoken: false };
const text = (chunks: number) => ({ type: 'text', chunks: Array.from({ length: chunks }, () => 'a') });

function scenario(id: string, steps: unknown[]) {
  return { id, name: id, triggers: [{ match: 'substring', value: id }], steps };
}

/** The reviewer's: 16 × 16 random branches (256 paths), then two texts of 10,000 chunks: about 100 KB. */
function reviewersScenario() {
  const inner = () => randomOf(Array.from({ length: 16 }, () => [shortText]));
  return scenario('too-many', [randomOf(Array.from({ length: 16 }, () => [inner()])), text(10_000), text(10_000)]);
}

/**
 * The scenario compiled, its chunk lists wrapped so every chunk the player reads is counted: the work a dry run
 * does, without a clock.
 */
function metered(input: unknown): { program: ScenarioProgram; chunksRead: () => number } {
  const parsed = ScenarioSchema.parse(input);
  let reads = 0;
  const counting = <T extends object>(chunks: readonly T[]): readonly T[] =>
    new Proxy(chunks, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
  const wrap = (ops: readonly Op[]): Op[] =>
    ops.map((op) => {
      switch (op.kind) {
        case 'text':
        case 'reasoning':
          return { ...op, chunks: counting(op.chunks) };
        case 'toolCall':
          return op.args.form === 'chunks' ? { ...op, args: { ...op.args, chunks: counting(op.args.chunks) } } : op;
        case 'step':
          return { ...op, body: wrap(op.body) };
        case 'branch':
          return { ...op, steps: wrap(op.steps), otherwise: wrap(op.otherwise) };
        case 'random':
          return { ...op, branches: op.branches.map(wrap) };
        case 'approval':
          return { ...op, approved: wrap(op.approved), rejected: wrap(op.rejected), timeout: wrap(op.timeout) };
        case 'interrupt':
          return { ...op, resolved: wrap(op.resolved), cancelled: wrap(op.cancelled), expired: wrap(op.expired) };
        default:
          return op;
      }
    });
  const program = {
    scenario: parsed,
    ops: wrap(compileSteps(parsed, new ScenarioTemplates(), (schema) => new JsonSchemas().compile(schema, 'json'))),
  };
  return { program, chunksRead: () => reads };
}

test("the reviewer's scenario is refused before any of it is played, saying what to reduce", () => {
  const { program, chunksRead } = metered(reviewersScenario());
  const issues = dryRunScenario(program);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]?.path, 'steps');
  assert.match(
    issues[0]?.message ?? '',
    /^too large to check: its dry run would play [\d,]+ steps, chunks and patch operations over 256 paths \(at most 100,000\); use fewer paths \(random branches, branch, approval and interrupt steps multiply them\), fewer chunks/,
  );
  assert.equal(chunksRead(), 0, 'not a chunk played: the refusal costs a pass over the steps, not the dry run');
});

test('values repeated on many paths count by their size: a large snapshot on 16 paths is refused', () => {
  const snapshot = Object.fromEntries(Array.from({ length: 40_000 }, (_, index) => [`key-${index}`, index]));
  const big = scenario('big-values', [
    randomOf(Array.from({ length: 16 }, () => [shortText])),
    { type: 'stateSnapshot', snapshot },
  ]);
  assert.ok(JSON.stringify(snapshot).length * 16 > DRY_RUN_MAX_CHARACTERS);
  const { program, chunksRead } = metered(big);
  const issues = dryRunScenario(program);
  assert.equal(issues.length, 1);
  assert.match(
    issues[0]?.message ?? '',
    /characters of step JSON over 16 paths \(at most 8,000,000\); .*smaller values/,
  );
  assert.equal(chunksRead(), 0);
});

test('a large but reasonable scenario is still checked in full, within the budget', () => {
  // 16 paths through a 5,000-chunk text.
  const large = scenario('large', [randomOf(Array.from({ length: 16 }, () => [shortText])), text(5_000)]);
  const { program, chunksRead } = metered(large);
  assert.deepEqual(dryRunScenario(program), []);
  assert.equal(chunksRead(), 16 * (1 + 5_000), 'every path played to its end');
  assert.ok(chunksRead() <= DRY_RUN_MAX_STEPS);

  // An approval answered three ways, waited for (WebSocket) and as an interrupt (HTTP): both modes are played.
  const withApproval = scenario('large-approval', [
    randomOf(Array.from({ length: 4 }, () => [shortText])),
    {
      type: 'approval',
      request: { toolName: 't', toolDescription: 'd', parameters: {}, reasoning: 'r', riskLevel: 'low' },
      approved: [text(2_000)],
      rejected: [shortText],
      timeout: [],
    },
  ]);
  const approval = metered(withApproval);
  assert.deepEqual(dryRunScenario(approval.program), []);
  // 4 × 3 paths, waited for and as interrupts: the 2,000 chunks on 4 approved paths in each mode.
  assert.equal(approval.chunksRead(), 2 * (12 + 4 * 2_000 + 4));
});

test('the control API refuses it with a 422 naming steps, stores nothing and goes on serving', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const refused = await api.post<{ detail: { loc: unknown[]; msg: string }[] }>('/scenarios', reviewersScenario());
  assert.equal(refused.status, 422);
  assert.deepEqual(
    refused.body.detail.map((issue) => issue.loc),
    [['body', 'steps']],
  );
  assert.match(refused.body.detail[0]?.msg ?? '', /too large to check: .* over 256 paths/);
  assert.equal((await api.get('/scenarios/too-many')).status, 404, 'nothing stored');
  const health = await fetch(`${server.url}/health`);
  assert.equal(health.status, 200);
  const stored = await api.post('/scenarios', scenario('fine', [randomOf([[shortText], [text(1_000)]])]));
  assert.equal(stored.status, 201);
});
