import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OUTPUT_PER_RESPONSE } from '../src/server/templates/template-engine';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { loopHoldUpDuring } from './helpers/loop-delay';

// The dry run plays every path; what its templates write is one run's budget for all of them together. Each of
// 256 paths (eight random steps) doubling a text twenty times by `let` wrote 8 Mi characters, under a run's budget
// each, and the store held the engine for ten seconds before it answered 201.

const server = await startTestEngine();
const control = controlClient(server);

test('paths that each write just under a run’s budget are refused together, without holding the engine', async () => {
  const random = { type: 'random', branches: [{ steps: [] }, { steps: [] }] };
  const steps = [
    ...Array(8).fill(random),
    { type: 'let', values: { a: 'xxxxxxxx' } },
    ...Array.from({ length: 20 }, () => ({ type: 'let', values: { a: '{{vars.a}}{{vars.a}}' } })),
    { type: 'text', chunks: ['{{vars.a}}'], spoken: false },
  ];
  let answer: { status: number; body: { detail?: { loc: unknown[]; msg: string }[] } } | undefined;
  const holdUp = await loopHoldUpDuring(async () => {
    answer = await control.post('/scenarios', { id: 'doubling', name: 'doubling', triggers: [], steps });
  });
  assert.equal(answer?.status, 422);
  const issue = answer?.body.detail?.[0];
  assert.equal(issue?.loc[1], 'steps');
  assert.match(issue?.msg ?? '', new RegExp(`more than ${OUTPUT_PER_RESPONSE} characters`));
  assert.ok(holdUp.busyMs < 1000, `storing held the engine for ${Math.round(holdUp.busyMs)} ms`);
});
