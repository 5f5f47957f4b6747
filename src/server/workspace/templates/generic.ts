import type { ScenarioInput } from '../../../shared/scenario';
import type { WorkspaceInput } from '../../../shared/workspace';
import { emptyWorkspace } from './empty-workspace';

/**
 * A starting point for teams that are not AGORA: one scenario per AG-UI feature a frontend must handle —
 * plain chat, a tool call, state (snapshot then delta), and a run that waits for a person's approval.
 * Scenarios are data, so this file is also an example of writing them by hand.
 */
const toolCall: ScenarioInput = {
  id: 'demo-tool-call',
  name: 'Tool call',
  description: 'Asks about the weather: a get_weather tool call with arguments and a result, then an answer.',
  triggers: [{ match: 'substring', value: 'weather' }],
  steps: [
    {
      type: 'toolCall',
      id: 'lookup',
      name: 'get_weather',
      displayName: 'Looking up the weather',
      args: { city: 'Amsterdam', unit: 'celsius' },
      result: { city: 'Amsterdam', temperature: 14, conditions: 'light rain', observedAt: '{{now}}' },
    },
    { type: 'text', spoken: false, chunks: ['It is 14 °C ', 'with light rain in Amsterdam ', 'right now.'] },
  ],
};

const stateDelta: ScenarioInput = {
  id: 'demo-state',
  name: 'Shared state',
  description: 'A plan as shared state: STATE_SNAPSHOT with three tasks, then STATE_DELTA patches as they finish.',
  triggers: [
    { match: 'substring', value: 'plan' },
    { match: 'substring', value: 'state' },
  ],
  steps: [
    {
      type: 'stateSnapshot',
      snapshot: {
        plan: [
          { title: 'Gather requirements', done: false },
          { title: 'Draft the design', done: false },
          { title: 'Review', done: false },
        ],
      },
    },
    { type: 'text', spoken: false, chunks: ['Here is a plan. ', 'Working through it…'] },
    { type: 'wait', ms: 500 },
    { type: 'stateDelta', delta: [{ op: 'replace', path: '/plan/0/done', value: true }] },
    { type: 'wait', ms: 500 },
    {
      type: 'stateDelta',
      delta: [
        { op: 'replace', path: '/plan/1/done', value: true },
        { op: 'add', path: '/plan/-', value: { title: 'Ship it', done: false } },
      ],
    },
    { type: 'text', spoken: false, chunks: ['Two tasks done, ', 'one added.'] },
  ],
};

const approval: ScenarioInput = {
  id: 'demo-approval',
  name: 'Approval (human in the loop)',
  description:
    'Asks before deploying: the run sends an approval request and waits for the answer, then deploys or not.',
  triggers: [{ match: 'substring', value: 'deploy' }],
  steps: [
    { type: 'text', spoken: false, chunks: ['Deploying needs your approval.'] },
    {
      type: 'approval',
      id: 'ask',
      request: {
        toolName: 'deploy_service',
        toolDescription: 'Deploy the service to production',
        parameters: { service: 'web', environment: 'production' },
        reasoning: 'You asked to deploy; this changes production.',
        riskLevel: 'high',
      },
      approved: [
        {
          type: 'toolCall',
          name: 'deploy_service',
          args: { service: 'web', environment: 'production' },
          result: { status: 'deployed', version: '1.4.2' },
        },
        { type: 'text', spoken: false, chunks: ['Deployed version 1.4.2.'] },
      ],
      rejected: [{ type: 'text', spoken: false, chunks: ['Not deployed. {{steps.ask.feedback}}'] }],
      timeout: [{ type: 'text', spoken: false, chunks: ['No answer came, so nothing was deployed.'] }],
    },
  ],
};

const chat: ScenarioInput = {
  id: 'demo-chat',
  name: 'Plain chat',
  description: 'Answers anything else with streamed text (the fallback: lowest priority).',
  triggers: [{ match: 'always', priority: -10 }],
  steps: [
    {
      type: 'text',
      spoken: false,
      chunks: [
        'Hello! I am a mock AG-UI agent. ',
        'You said: "{{lastUserMessage}}". ',
        'Try asking about the **weather**, a **plan**, or to **deploy**.',
      ],
    },
  ],
};

export const genericScenarios: readonly ScenarioInput[] = [toolCall, stateDelta, approval, chat];

/**
 * Any AG-UI client, no pack: the demo scenarios on the official HTTP binding (`/agent`) and on a WebSocket in the
 * framing AGORA uses (`/ws`, one RunAgentInput per frame in, one event per frame out).
 */
export function genericTemplate(_now: number, name = 'AG-UI demo'): WorkspaceInput {
  return {
    ...emptyWorkspace(name),
    sockets: [
      {
        id: 'ws',
        name: 'AG-UI over WebSocket',
        path: '/ws',
        behaviour: { type: 'agui', scenarios: '*', whileRunning: 'queue' },
      },
    ],
    agents: [{ id: 'agent', name: 'AG-UI agent', path: '/agent', scenarios: '*' }],
    scenarios: structuredClone([...genericScenarios]),
  };
}
