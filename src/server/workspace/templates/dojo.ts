import type { Chunk, JsonObject, ScenarioInput, ScenarioStep } from '../../../shared/scenario';
import type { WorkspaceInput } from '../../../shared/workspace';
import { emptyWorkspace } from './empty-workspace';

/**
 * The AG-UI Dojo's reference backend (ag-ui `integrations/server-starter-all-features`) as a workspace: its seven
 * endpoints at the same paths, each an agent mount playing its own scenarios, with the same event sequences and
 * pauses. Written only with what any user can write (agents, triggers on the request, steps), so it is also the
 * worked example of docs/scenarios.md.
 */

/** An assistant message in one chunk, with no pause after it. */
const say = (text: string): ScenarioStep => ({ type: 'text', chunks: [text], chunkDelayMs: 0, spoken: false });

/** Answers a run whose last message is a tool result (the client ran the frontend tool): `text`. */
const afterToolResult = (id: string, text: string): ScenarioInput => ({
  id,
  name: 'After the tool result',
  description: 'The client answered the tool call: a short assistant message.',
  triggers: [{ match: 'lastMessage', role: 'tool', priority: 10 }],
  steps: [say(text)],
});

/** Pieces with a pause after each; the first and the last go without one, as in the reference. */
const paced = (first: string, middle: string[], last: string): Chunk[] => [
  { text: first, delayMs: 0 },
  ...middle,
  { text: last, delayMs: 0 },
];

const BACKGROUND = 'linear-gradient(135deg, #667eea 0%, #764ba2 100%)';

const agenticChat: ScenarioInput[] = [
  afterToolResult('dojo-chat-tool-result', 'background changed ✓'),
  {
    id: 'dojo-chat-frontend-tool',
    name: 'Frontend tool: change_background',
    description: 'The message "tool": a change_background call for the client to run (no result from here).',
    triggers: [{ match: 'lastMessage', exact: 'tool', caseSensitive: true, priority: 5 }],
    steps: [{ type: 'frontendToolCall', name: 'change_background', args: { background: BACKGROUND } }],
  },
  {
    id: 'dojo-chat-backend-tool',
    name: 'Backend tool as a messages snapshot',
    description: 'The message "backend_tool": the conversation plus a lookup_weather call and its result.',
    triggers: [{ match: 'lastMessage', exact: 'backend_tool', caseSensitive: true, priority: 5 }],
    steps: [
      { type: 'let', values: { toolCallId: '{{uuid}}' } },
      {
        type: 'messagesSnapshot',
        messages: [
          toolCallMessage('lookup_weather', '{"city": "San Francisco", "weather": "sunny"}'),
          toolResultMessage('The weather in San Francisco is sunny.'),
        ],
      },
    ],
  },
  {
    id: 'dojo-chat-countdown',
    name: 'Countdown',
    description: 'Anything else: "counting down: 10 … 1 ✓", 300 ms between the numbers.',
    triggers: [{ match: 'always' }],
    steps: [
      {
        type: 'text',
        chunkDelayMs: 300,
        spoken: false,
        chunks: [
          { text: 'counting down: ', delayMs: 0 },
          ...Array.from({ length: 10 }, (_, index) => `${10 - index}  `),
          { text: '✓', delayMs: 0 },
        ],
      },
    ],
  },
];

/** An assistant message with one tool call (id `{{vars.toolCallId}}`); `args` is the arguments' JSON text. */
function toolCallMessage(name: string, args: string): JsonObject {
  return {
    id: '{{uuid}}',
    role: 'assistant',
    toolCalls: [{ id: '{{vars.toolCallId}}', type: 'function', function: { name, arguments: args } }],
  };
}

function toolResultMessage(content: string): JsonObject {
  return { id: '{{uuid}}', role: 'tool', content, toolCallId: '{{vars.toolCallId}}' };
}

const backendToolRendering: ScenarioInput[] = [
  afterToolResult('dojo-backend-tool-result', 'Retrieved weather information!'),
  {
    id: 'dojo-backend-tool',
    name: 'get_weather, rendered by the client',
    description: 'The conversation plus a get_weather call and its JSON result, as one messages snapshot.',
    triggers: [{ match: 'always' }],
    steps: [
      { type: 'let', values: { toolCallId: '{{uuid}}' } },
      {
        type: 'messagesSnapshot',
        messages: [
          toolCallMessage('get_weather', '{"city": "San Francisco"}'),
          toolResultMessage(
            '{"city": "San Francisco", "conditions": "sunny", "wind_speed": "10", "temperature": "20", "humidity": "60"}',
          ),
        ],
      },
    ],
  },
];

const humanInTheLoop: ScenarioInput[] = [
  afterToolResult('dojo-hitl-tool-result', "Ok! I'm working on it."),
  {
    id: 'dojo-hitl-task-steps',
    name: 'generate_task_steps, streamed',
    description: 'A generate_task_steps call whose ten steps stream in, 200 ms apart, for the person to pick.',
    triggers: [{ match: 'always' }],
    steps: [
      {
        type: 'frontendToolCall',
        name: 'generate_task_steps',
        chunkDelayMs: 200,
        argsChunks: paced(
          '{"steps":[',
          Array.from(
            { length: 10 },
            (_, index) => `{"description": "Step ${index + 1}", "status": "enabled"}${index < 9 ? ',' : ''}`,
          ),
          ']}',
        ),
      },
    ],
  },
];

const STEP_COUNT = 10;
const taskSteps = (status: (index: number) => string) =>
  Array.from({ length: STEP_COUNT }, (_, index) => ({ description: `Step ${index + 1}`, status: status(index) }));

const agenticGenerativeUi: ScenarioInput[] = [
  {
    id: 'dojo-generative-ui-plan',
    name: 'A plan worked through',
    description: 'Ten pending steps as state, then one STATE_DELTA a second completing each, then the final state.',
    triggers: [{ match: 'always' }],
    steps: [
      { type: 'stateSnapshot', snapshot: { steps: taskSteps(() => 'pending') } },
      { type: 'wait', ms: 1000 },
      ...Array.from({ length: STEP_COUNT }, (_, index): ScenarioStep[] => [
        { type: 'stateDelta', delta: [{ op: 'replace', path: `/steps/${index}/status`, value: 'completed' }] },
        { type: 'wait', ms: 1000 },
      ]).flat(),
      { type: 'stateSnapshot', snapshot: { steps: taskSteps(() => 'completed') } },
    ],
  },
];

/** The haiku's arguments as the reference's `json.dumps` writes them (spaced, non-ASCII escaped). */
const HAIKU_ARGUMENTS =
  '{"japanese": ["\\u30a8\\u30fc\\u30a2\\u30a4\\u306e", "\\u6a4b\\u3064\\u306a\\u3050\\u9053", ' +
  '"\\u30b3\\u30d1\\u30ad\\u30c3\\u30c8"], "english": ["From AI\'s realm", "A bridge-road linking us\\u2014", ' +
  '"CopilotKit."]}';

const toolBasedGenerativeUi: ScenarioInput[] = [
  {
    id: 'dojo-haiku-thanks',
    name: 'Thanks',
    description: 'The message "thanks": the conversation plus "Haiku created".',
    triggers: [{ match: 'lastMessage', exact: 'thanks', caseSensitive: true, priority: 5 }],
    steps: [{ type: 'messagesSnapshot', messages: [{ id: '{{uuid}}', role: 'assistant', content: 'Haiku created' }] }],
  },
  {
    id: 'dojo-haiku',
    name: 'generate_haiku',
    description: 'The conversation plus a generate_haiku call (the client renders it) and its result.',
    triggers: [{ match: 'always' }],
    steps: [
      { type: 'let', values: { toolCallId: '{{uuid}}' } },
      {
        type: 'messagesSnapshot',
        messages: [toolCallMessage('generate_haiku', HAIKU_ARGUMENTS), toolResultMessage('Haiku created')],
      },
    ],
  },
];

const sharedState: ScenarioInput[] = [
  {
    id: 'dojo-recipe',
    name: 'The recipe as shared state',
    description: 'Every run: a STATE_SNAPSHOT with the recipe.',
    triggers: [{ match: 'always' }],
    steps: [
      {
        type: 'stateSnapshot',
        snapshot: {
          recipe: {
            skill_level: 'Advanced',
            special_preferences: ['Low Carb', 'Spicy'],
            cooking_time: '15 min',
            ingredients: [
              { icon: '🍗', name: 'chicken breast', amount: '1' },
              { icon: '🌶️', name: 'chili powder', amount: '1 tsp' },
              { icon: '🧂', name: 'Salt', amount: 'a pinch' },
              { icon: '🥬', name: 'Lettuce leaves', amount: 'handful' },
            ],
            instructions: [
              'Season chicken with chili powder and salt.',
              'Sear until fully cooked.',
              'Slice and wrap in lettuce.',
            ],
          },
        },
      },
    ],
  },
];

/** The reference picks from Rex, Buddy, Max, Charlie, Buddy, Max, Charlie: the same odds as weights. */
const DOGS: [string, number][] = [
  ['Rex', 1],
  ['Buddy', 2],
  ['Max', 2],
  ['Charlie', 2],
];
const STORY = 'Once upon a time, there was a dog named {{vars.dog}}. {{vars.dog}} was a very good dog.';

const predictiveStateUpdates: ScenarioInput[] = [
  afterToolResult('dojo-predictive-tool-result', 'Ok!'),
  {
    id: 'dojo-predictive-story',
    name: 'A story written into the document',
    description:
      'PredictState maps write_document_local’s `document` argument to the state’s `document`; the story streams ' +
      'in word by word, 200 ms apart, then confirm_changes asks the person to keep it.',
    triggers: [{ match: 'always' }],
    steps: [
      {
        type: 'random',
        branches: DOGS.map(([dog, weight]) => ({ weight, steps: [{ type: 'let', values: { dog } }] })),
      },
      {
        type: 'custom',
        name: 'PredictState',
        value: [{ state_key: 'document', tool: 'write_document_local', tool_argument: 'document' }],
      },
      {
        type: 'frontendToolCall',
        name: 'write_document_local',
        chunkDelayMs: 200,
        argsChunks: [
          { text: '{"document":"', delayMs: 0 },
          ...STORY.split(' ').map((word) => `${word} `),
          { text: '"}', delayMs: 0 },
        ],
      },
      { type: 'frontendToolCall', name: 'confirm_changes', args: {} },
    ],
  },
];

/** The reference's endpoints, by path, with the scenarios each plays. */
const ENDPOINTS: [string, string, ScenarioInput[]][] = [
  ['agentic_chat', 'Agentic chat: frontend tool, backend tool, countdown', agenticChat],
  ['backend_tool_rendering', 'Backend tool rendering', backendToolRendering],
  ['human_in_the_loop', 'Human in the loop: task steps to approve', humanInTheLoop],
  ['agentic_generative_ui', 'Agentic generative UI: a plan as state', agenticGenerativeUi],
  ['tool_based_generative_ui', 'Tool-based generative UI: the haiku', toolBasedGenerativeUi],
  ['shared_state', 'Shared state: the recipe', sharedState],
  ['predictive_state_updates', 'Predictive state updates: the story', predictiveStateUpdates],
];

export function dojoTemplate(_now: number, name = 'AG-UI Dojo'): WorkspaceInput {
  return {
    ...emptyWorkspace(name),
    agents: ENDPOINTS.map(([path, label, scenarios]) => ({
      id: path.replaceAll('_', '-'),
      name: label,
      path: `/${path}`,
      scenarios: scenarios.map((scenario) => scenario.id),
    })),
    scenarios: structuredClone(ENDPOINTS.flatMap(([, , scenarios]) => scenarios)),
  };
}
