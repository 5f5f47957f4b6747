import type { ScenarioInput } from '../../src/shared/scenario';

/** A run that waits a minute in a step: still streaming whenever a test acts on it ("long wait" in the message). */
export const LONG_WAIT: ScenarioInput = {
  id: 'long-wait',
  name: 'Long wait',
  triggers: [{ match: 'substring', value: 'long wait' }],
  steps: [{ type: 'step', name: 'waiting', steps: [{ type: 'wait', ms: 60_000 }] }],
};

/** A short run with a pause in it: room to pause its stream before it ends ("hello then done"). */
export const HELLO_THEN_DONE: ScenarioInput = {
  id: 'hello-then-done',
  name: 'Hello, then done',
  triggers: [{ match: 'substring', value: 'hello then done' }],
  steps: [
    { type: 'text', chunks: ['Hello'], chunkDelayMs: 0 },
    { type: 'wait', ms: 200 },
    { type: 'text', chunks: ['Done'], chunkDelayMs: 0 },
  ],
};
