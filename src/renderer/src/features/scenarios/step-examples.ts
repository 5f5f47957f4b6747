import { type ScenarioStep, ScenarioStepSchema, type ScenarioStepType } from '../../../../shared/scenario';

/** A working example of every step type, for the editor's "Add step": edit it from there. */
export const STEP_EXAMPLES: Record<ScenarioStepType, ScenarioStep> = {
  text: { type: 'text', chunks: ['Hello! ', 'How can I help?'], chunkDelayMs: 100, spoken: false },
  toolCall: { type: 'toolCall', name: 'get_weather', args: { city: 'Amsterdam' }, result: { temperature: 14 } },
  frontendToolCall: {
    type: 'frontendToolCall',
    name: 'change_background',
    argsChunks: ['{"background":', '"blue"}'],
    chunkDelayMs: 100,
  },
  stateSnapshot: { type: 'stateSnapshot', snapshot: { todos: [] } },
  stateDelta: { type: 'stateDelta', delta: [{ op: 'add', path: '/todos/-', value: 'Write the docs' }] },
  messagesSnapshot: {
    type: 'messagesSnapshot',
    messages: [{ id: '{{uuid}}', role: 'assistant', content: 'The whole conversation, plus this.' }],
  },
  custom: {
    type: 'custom',
    name: 'PredictState',
    value: [{ state_key: 'document', tool: 'write_document', tool_argument: 'document' }],
  },
  reasoning: { type: 'reasoning', chunks: ['Looking at ', 'what was asked…'] },
  activitySnapshot: { type: 'activitySnapshot', id: 'plan', activityType: 'plan', content: { steps: ['Search'] } },
  activityDelta: {
    type: 'activityDelta',
    messageId: '{{steps.plan.messageId}}',
    activityType: 'plan',
    patch: [{ op: 'add', path: '/steps/-', value: 'Summarise' }],
  },
  wait: { type: 'wait', ms: 500 },
  step: { type: 'step', name: 'research', steps: [{ type: 'wait', ms: 200 }] },
  emit: { type: 'emit', event: { type: 'CUSTOM', name: 'my-event', value: { at: '{{now}}' } } },
  setContext: { type: 'setContext', values: { greeted: true } },
  let: { type: 'let', values: { orderId: 'order-{{randomHex 6}}' } },
  branch: {
    type: 'branch',
    when: { match: 'lastMessage', role: 'tool' },
    steps: [{ type: 'text', chunks: ['Thanks, the tool answered.'], spoken: false }],
    otherwise: [{ type: 'text', chunks: ['Let me ask the tool.'], spoken: false }],
  },
  random: {
    type: 'random',
    branches: [
      { weight: 3, steps: [{ type: 'text', chunks: ['Usually this.'], spoken: false }] },
      { weight: 1, steps: [{ type: 'text', chunks: ['Sometimes this.'], spoken: false }] },
    ],
  },
  approval: {
    type: 'approval',
    request: {
      toolName: 'send_email',
      toolDescription: 'Sends the summary by e-mail',
      parameters: { to: 'team@example.com' },
      reasoning: 'You asked for the summary to be shared.',
      riskLevel: 'medium',
    },
    approved: [{ type: 'text', chunks: ['Sent.'], spoken: false }],
    rejected: [{ type: 'text', chunks: ['Not sent.'], spoken: false }],
    timeout: [],
  },
  interrupt: {
    type: 'interrupt',
    id: 'confirm',
    reason: 'confirmation',
    message: 'Book the table for {{default input.forwardedProps.people 2}}?',
    responseSchema: { type: 'object', properties: { approved: { type: 'boolean' } } },
    resolved: [{ type: 'text', chunks: ['Booked.'], spoken: false }],
    cancelled: [{ type: 'text', chunks: ['Not booked.'], spoken: false }],
  },
};

/** What each step type does, as the schema says it (one source for the editor and the JSON Schema). */
export const STEP_DESCRIPTIONS: ReadonlyMap<string, string> = new Map(
  (
    ScenarioStepSchema as unknown as { options: { shape: { type: { value: string; description?: string } } }[] }
  ).options.map((option) => [option.shape.type.value, option.shape.type.description ?? '']),
);
