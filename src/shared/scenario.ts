import { z } from 'zod';
import { type JsonObject, JsonObjectSchema, type JsonValue, JsonValueSchema } from './json-value';
import { nameText } from './name-text';

/**
 * Scenarios are data: what a mocked agent does for a run, as triggers (which requests it answers) and steps (what
 * it sends, and when). The engine wraps every scenario in RUN_STARTED … RUN_FINISHED itself. See docs/scenarios.md.
 *
 * Strings anywhere inside an event, text chunk, tool argument or result are Handlebars templates, as in routes
 * (helpers `uuid`, `now`, `json`, `default`, `eq`, `randomInt`…, plus `randomHex N` and `nowMs`). They read:
 * - `threadId`, `runId`, `userId`, `origin` (the server's origin as the client reached it), `lastUserMessage`,
 *   `lastMessage` (the request's last message, any role)
 * - `input`: the RunAgentInput as received (`input.messages`, `input.state`, `input.tools`, `input.context`,
 *   `input.forwardedProps`, `input.resume`)
 * - `state`: the thread's state as the run has made it so far (the request's state, then every snapshot and delta)
 * - `steps.<id>.<field>`: an earlier step's output (`messageId`, `toolCallId`, `approvalId`, `payload`, …)
 * - `vars.<name>`: a value set by a `let` step; `context.<key>`: the conversation's context
 * A string that is exactly one placeholder (`"{{input.messages}}"`) gives the value with its JSON type.
 * Templates that do not compile, and unknown names, are refused when the scenario is stored.
 */

export { type JsonObject, type JsonValue, JsonValueSchema } from './json-value';

/** Step ids name step outputs in templates: `{{steps.<id>.messageId}}`. */
const StepIdSchema = z
  .string()
  .regex(/^[A-Za-z][\w-]*$/, 'letters, digits, _ and -, starting with a letter')
  .max(100)
  .describe('Names the step, so later templates can read its output: {{steps.<id>.<field>}}.');
const DelayMsSchema = z.number().int().min(0).max(3_600_000);

const PrioritySchema = z
  .number()
  .int()
  .optional()
  .describe('Higher wins when several triggers match; ties go to the scenario listed first. Default 0.');

const CaseSensitiveSchema = z
  .boolean()
  .optional()
  .describe('Compare letters in their case (exact, substring, pattern); by default case is ignored.');

const PatternSchema = z
  .string()
  .min(1)
  .max(1000)
  .describe('A regular expression in RE2 syntax (no lookaround, no backreferences); it matches anywhere.');

export const MESSAGE_ROLES = ['user', 'assistant', 'system', 'developer', 'tool', 'reasoning', 'activity'] as const;

/** Tests on a message's text (a string, or its text parts joined); every one given must hold. */
const textTests = {
  exact: z.string().optional().describe('The text equals this.'),
  substring: z.string().min(1).optional().describe('The text contains this.'),
  pattern: PatternSchema.optional(),
  caseSensitive: CaseSensitiveSchema,
};
type TextTests = { exact?: string; substring?: string; pattern?: string; caseSensitive?: boolean };

/**
 * A condition on the run request (and the conversation it belongs to). Triggers are conditions with a priority;
 * `branch` steps take one as `when`. Text comparisons ignore case unless `caseSensitive` says otherwise.
 */
export type RequestCondition =
  | { match: 'substring'; value: string; caseSensitive?: boolean }
  | { match: 'regex'; pattern: string; caseSensitive?: boolean }
  | { match: 'exact'; value: string; caseSensitive?: boolean }
  | { match: 'always' }
  | ({ match: 'lastMessage'; role?: (typeof MESSAGE_ROLES)[number] } & TextTests)
  | ({ match: 'toolResult'; toolName?: string; toolCallId?: string } & TextTests)
  | {
      match: 'jsonPath';
      path: string;
      equals?: JsonValue;
      pattern?: string;
      contains?: string;
      exists?: boolean;
      caseSensitive?: boolean;
    }
  | { match: 'firstRun' }
  | { match: 'context'; key: string; equals?: JsonValue }
  | { match: 'all'; conditions: RequestCondition[] }
  | { match: 'any'; conditions: RequestCondition[] }
  | { match: 'not'; condition: RequestCondition };
export type ScenarioTrigger = RequestCondition & { priority?: number };

const ConditionsSchema: z.ZodType<RequestCondition[]> = z.lazy(() =>
  z.array(RequestConditionSchema).min(1, '`all` and `any` need at least one condition').max(50),
);

/** The condition kinds, as object shapes; triggers add `priority` to each. */
function conditionOptions<Extra extends z.ZodRawShape>(extra: Extra) {
  return [
    // Strict like every object in a workspace: a misspelt `priorty` would otherwise be dropped without a word.
    z.strictObject({
      match: z.literal('substring').describe('The last user message contains `value`.'),
      value: z.string().min(1).describe('The text to look for.'),
      caseSensitive: CaseSensitiveSchema,
      ...extra,
    }),
    z.strictObject({
      match: z.literal('regex').describe('The last user message matches `pattern`.'),
      pattern: PatternSchema,
      caseSensitive: CaseSensitiveSchema,
      ...extra,
    }),
    z.strictObject({
      match: z.literal('always').describe('Every run: for a fallback scenario (give it a low priority).'),
      ...extra,
    }),
    z.strictObject({
      match: z.literal('exact').describe('The last user message is exactly `value`.'),
      value: z.string().describe('The whole message.'),
      caseSensitive: CaseSensitiveSchema,
      ...extra,
    }),
    z.strictObject({
      match: z
        .literal('lastMessage')
        .describe('The request’s last message, whatever its role: `role: "tool"` means a frontend tool answered.'),
      role: z.enum(MESSAGE_ROLES).optional().describe('Its role.'),
      ...textTests,
      ...extra,
    }),
    z.strictObject({
      match: z
        .literal('toolResult')
        .describe(
          'The request answers a tool call: one of the tool messages it ends with is for this tool or call id.',
        ),
      toolName: z.string().min(1).optional().describe('The tool (as named in the assistant message that called it).'),
      toolCallId: z.string().min(1).optional().describe('The tool call id the result answers.'),
      ...textTests,
      ...extra,
    }),
    z
      .strictObject({
        match: z
          .literal('jsonPath')
          .describe('A JSONPath into the RunAgentInput selects something (or something equal, matching…).'),
        path: z
          .string()
          .min(1)
          .max(1000)
          .describe(
            'JSONPath into the request as sent: `$.state.recipe.title`, `$.forwardedProps.mode`, `$.tools[*].name`, ' +
              '`$.context[?(@.description == "user")].value`. Any selected value counts.',
          ),
        equals: JsonValueSchema.optional().describe('A selected value equals this JSON value.'),
        pattern: PatternSchema.optional(),
        contains: z.string().optional().describe('A selected value, as text, contains this.'),
        exists: z
          .boolean()
          .optional()
          .describe('true (the default when nothing else is given): the path selects something; false: nothing.'),
        caseSensitive: CaseSensitiveSchema,
        ...extra,
      })
      .refine(
        (condition: { equals?: unknown; pattern?: unknown; contains?: unknown; exists?: unknown }) =>
          [condition.equals, condition.pattern, condition.contains, condition.exists].filter(
            (test) => test !== undefined,
          ).length <= 1,
        { message: 'give at most one of equals, pattern, contains and exists', path: ['path'] },
      ),
    z.strictObject({
      match: z.literal('firstRun').describe('The first run of this conversation (thread) the engine sees.'),
      ...extra,
    }),
    z.strictObject({
      match: z.literal('context').describe('A conversation context value (set by setContext steps of earlier runs).'),
      key: z.string().min(1).describe('The context key.'),
      equals: JsonValueSchema.optional().describe('The value it must equal; without it, any truthy value.'),
      ...extra,
    }),
    z.strictObject({
      match: z.literal('all').describe('Every condition in `conditions` holds.'),
      conditions: ConditionsSchema.describe('The conditions.'),
      ...extra,
    }),
    z.strictObject({
      match: z.literal('any').describe('At least one condition in `conditions` holds.'),
      conditions: ConditionsSchema.describe('The conditions.'),
      ...extra,
    }),
    z.strictObject({
      match: z.literal('not').describe('The condition does not hold.'),
      condition: z.lazy(() => RequestConditionSchema).describe('The condition.'),
      ...extra,
    }),
  ] as const;
}

export const RequestConditionSchema: z.ZodType<RequestCondition> = z
  .discriminatedUnion('match', conditionOptions({}))
  .describe('A condition on the run request and its conversation.') as z.ZodType<RequestCondition>;

export const ScenarioTriggerSchema: z.ZodType<ScenarioTrigger> = z
  .discriminatedUnion('match', conditionOptions({ priority: PrioritySchema }))
  .describe('Which runs the scenario answers.') as z.ZodType<ScenarioTrigger>;

/** Text streamed in pieces: a string waits the step's chunk delay after it, `{text, delayMs}` its own. */
export type Chunk = string | { text: string; delayMs: number };
const ChunkSchema = z
  .union([
    z.string(),
    z.strictObject({
      text: z.string().describe('The piece of text (a template).'),
      delayMs: DelayMsSchema.describe('The pause after this piece, in ms (instead of the step’s chunk delay).'),
    }),
  ])
  .describe('A piece of text (a template), or {text, delayMs} to give it its own pause.');

/** Sends one AG-UI event as written (after templating). RUN_STARTED/RUN_FINISHED belong to the engine. */
export interface EmitStep {
  type: 'emit';
  id?: string;
  event: JsonObject;
}
export interface WaitStep {
  type: 'wait';
  ms: number;
}
/** STEP_STARTED, the inner steps, STEP_FINISHED. */
export interface StepBlock {
  type: 'step';
  name: string;
  steps: ScenarioStep[];
}
/**
 * An assistant text message streamed chunk by chunk (TEXT_MESSAGE_START / CONTENT × n / END).
 * With `spoken`, each chunk is also sent as AGORA's `agora:spoken_text_*` CUSTOM events, in a form meant for
 * speech (markdown stripped, emoji and abbreviations spelled out). Output: `messageId`.
 */
export interface TextStep {
  type: 'text';
  id?: string;
  chunks: Chunk[];
  /** Delay after each chunk; default 100 ms. */
  chunkDelayMs?: number;
  /** Default true. */
  spoken?: boolean;
}
/**
 * A backend tool call: START (with AGORA's `toolDisplayName` / `toolDescription`), ARGS (one JSON document, or
 * `argsChunks`), a pause, END, then RESULT (string content; a non-string result is sent as JSON). Outputs:
 * `toolCallId`, `messageId` (of the result).
 */
export interface ToolCallStep {
  type: 'toolCall';
  id?: string;
  name: string;
  displayName?: string;
  description?: string;
  args?: JsonObject;
  argsChunks?: Chunk[];
  chunkDelayMs?: number;
  parentMessageId?: string;
  result: JsonValue;
  /** Pause between ARGS and END; default 300 ms. */
  argsDelayMs?: number;
}
/** A tool call the client runs: START, ARGS, END and no result; the client's next run carries the result. */
export interface FrontendToolCallStep {
  type: 'frontendToolCall';
  id?: string;
  name: string;
  args?: JsonObject;
  argsChunks?: Chunk[];
  chunkDelayMs?: number;
  parentMessageId?: string;
  argsDelayMs?: number;
}
export interface StateSnapshotStep {
  type: 'stateSnapshot';
  snapshot: JsonValue;
}
/** RFC 6902 operations, applied to the thread's state and checked. */
export interface StateDeltaStep {
  type: 'stateDelta';
  delta: JsonObject[] | string;
}
/** MESSAGES_SNAPSHOT: the request's messages (unless `history: "none"`) and these. */
export interface MessagesSnapshotStep {
  type: 'messagesSnapshot';
  history?: 'request' | 'none';
  messages: JsonObject[];
}
export interface CustomStep {
  type: 'custom';
  name: string;
  value?: JsonValue;
}
/** REASONING_START, a reasoning message streamed chunk by chunk, REASONING_END. Output: `messageId`. */
export interface ReasoningStep {
  type: 'reasoning';
  id?: string;
  chunks: Chunk[];
  chunkDelayMs?: number;
}
export interface ActivitySnapshotStep {
  type: 'activitySnapshot';
  id?: string;
  messageId?: string;
  activityType: string;
  content: JsonObject | string;
  replace?: boolean;
}
export interface ActivityDeltaStep {
  type: 'activityDelta';
  messageId: string;
  activityType: string;
  patch: JsonObject[] | string;
}
/** Remembers values for the rest of the conversation (e.g. `inspectionStarted`), for `branch` steps. */
export interface SetContextStep {
  type: 'setContext';
  values: JsonObject;
}
/** Names templated strings for this run: `{{vars.<name>}}`. Rendered once, so ids stay the same everywhere. */
export interface LetStep {
  type: 'let';
  values: Record<string, string>;
}
/** The first scenario format's branch condition: a conversation context key. */
export interface ContextCondition {
  context: string;
  equals?: JsonValue;
}
/** Plays `steps` when the condition holds, else `otherwise`. */
export interface BranchStep {
  type: 'branch';
  when: ContextCondition | RequestCondition;
  steps: ScenarioStep[];
  otherwise?: ScenarioStep[];
}
/** Plays one of its branches, chosen at random (by weight). */
export interface RandomStep {
  type: 'random';
  branches: { weight?: number; steps: ScenarioStep[] }[];
}
/**
 * Human in the loop, AGORA style: sends `CUSTOM agora:tool_approval_request` (with a fresh `approvalId`) and
 * waits for the client's `agora:tool_approval_response` with that id, then plays `approved`, `rejected` or,
 * when no answer came in time, `timeout`. Outputs: `approvalId`, `feedback`.
 */
export interface ApprovalStep {
  type: 'approval';
  id?: string;
  request: {
    toolName: string;
    toolDescription: string;
    parameters: JsonObject;
    reasoning: string;
    riskLevel: 'low' | 'medium' | 'high';
  };
  /** Real milliseconds (not scaled by speed); default: the server's `approvalTimeoutMs` setting; 0 waits forever. */
  timeoutMs?: number;
  approved: ScenarioStep[];
  rejected: ScenarioStep[];
  timeout: ScenarioStep[];
}
/**
 * AG-UI 1.0's human in the loop on any transport: the run ends with `RUN_FINISHED {outcome: interrupt}`; the next
 * run whose `resume` answers it plays `resolved` (or `cancelled`). Outputs: `interruptId`, `status`, `payload`.
 */
export interface InterruptStep {
  type: 'interrupt';
  id?: string;
  reason: string;
  message?: string;
  toolCallId?: string;
  responseSchema?: JsonObject;
  metadata?: JsonObject;
  expiresInMs?: number;
  resolved: ScenarioStep[];
  cancelled?: ScenarioStep[];
  expired?: ScenarioStep[];
}

export type ScenarioStep =
  | EmitStep
  | WaitStep
  | StepBlock
  | TextStep
  | ToolCallStep
  | FrontendToolCallStep
  | StateSnapshotStep
  | StateDeltaStep
  | MessagesSnapshotStep
  | CustomStep
  | ReasoningStep
  | ActivitySnapshotStep
  | ActivityDeltaStep
  | SetContextStep
  | LetStep
  | BranchStep
  | RandomStep
  | ApprovalStep
  | InterruptStep;

export type ScenarioStepType = ScenarioStep['type'];

const StepsSchema: z.ZodType<ScenarioStep[]> = z.lazy(() => z.array(ScenarioStepSchema));

/** Events the engine sends itself; a scenario emitting them would break the run's sequence. */
const ENGINE_EVENT_TYPES = new Set(['RUN_STARTED', 'RUN_FINISHED']);

/** Arguments sent as one JSON document, or streamed as raw text in chunks; one of the two. */
const toolArgumentFields = {
  args: JsonObjectSchema.optional().describe(
    'The arguments, sent as one JSON document in one TOOL_CALL_ARGS (templates). Give this or argsChunks.',
  ),
  argsChunks: z
    .array(ChunkSchema)
    .min(1, 'argsChunks needs at least one piece (or give args instead)')
    .max(10_000)
    .optional()
    .describe(
      'The arguments as raw JSON text in pieces, one TOOL_CALL_ARGS each (templates); together they must make ' +
        'one JSON object. Give this or args.',
    ),
  chunkDelayMs: DelayMsSchema.optional().describe('Pause after each argsChunks piece, in ms; default 0.'),
  parentMessageId: z
    .string()
    .min(1)
    .optional()
    .describe('The assistant message the call belongs to (TOOL_CALL_START parentMessageId; a template).'),
};
const oneArgumentForm = (step: { args?: unknown; argsChunks?: unknown }) =>
  (step.args === undefined) !== (step.argsChunks === undefined);
const ONE_ARGUMENT_FORM = { message: 'give either args or argsChunks', path: ['args'] };

/** A JSON Patch written out, or a template giving the whole list (`"{{vars.patch}}"`). */
const PatchSchema = z.union([
  z.array(JsonObjectSchema).max(10_000),
  z.string().min(1).describe('A template whose whole value is the list of operations.'),
]);

const BRANCH_WHEN = z
  .union([
    z
      .strictObject({
        context: z.string().min(1).describe('The context key to read.'),
        equals: JsonValueSchema.optional().describe('The value it must equal; without it, any truthy value.'),
      })
      .describe('A conversation context value (the first format’s branch).'),
    RequestConditionSchema,
  ])
  .describe('The condition: a context key ({context, equals?}) or any request condition ({match: …}).');

export const ScenarioStepSchema: z.ZodType<ScenarioStep> = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('emit').describe('Send one AG-UI event as written (after templating).'),
      id: StepIdSchema.optional(),
      event: JsonObjectSchema.refine((event) => typeof event.type === 'string', 'an event needs a string `type`')
        .refine(
          (event) => !ENGINE_EVENT_TYPES.has(event.type as string),
          'RUN_STARTED and RUN_FINISHED are sent by the engine',
        )
        .describe('The event: checked against @ag-ui/core when the scenario is stored.'),
    }),
    z.strictObject({
      type: z.literal('wait').describe('Pause the run.'),
      ms: DelayMsSchema.describe('How long, in ms (multiplied by the speed setting).'),
    }),
    z.strictObject({
      type: z.literal('step').describe('STEP_STARTED, the inner steps, STEP_FINISHED.'),
      name: z.string().min(1).describe('The step name (a template).'),
      steps: StepsSchema.describe('The steps inside.'),
    }),
    z.strictObject({
      type: z.literal('text').describe('An assistant message streamed chunk by chunk (START, CONTENT × n, END).'),
      id: StepIdSchema.optional(),
      chunks: z
        .array(ChunkSchema)
        .min(1, 'a text step needs at least one chunk')
        .describe('The text, one TEXT_MESSAGE_CONTENT per chunk (templates).'),
      chunkDelayMs: DelayMsSchema.optional().describe('Pause after each chunk; default 100 ms.'),
      spoken: z
        .boolean()
        .optional()
        .describe("Also send AGORA's agora:spoken_text_* events, in a form meant for speech. Default true."),
    }),
    z
      .strictObject({
        type: z
          .literal('toolCall')
          .describe('A backend tool call: START, ARGS (one JSON document or chunks), END, then RESULT.'),
        id: StepIdSchema.optional(),
        name: z.string().min(1).describe('The tool name (toolCallName).'),
        displayName: z.string().optional().describe("AGORA's toolDisplayName on TOOL_CALL_START (a template)."),
        description: z.string().optional().describe("AGORA's toolDescription on TOOL_CALL_START (a template)."),
        ...toolArgumentFields,
        result: JsonValueSchema.describe('The result: a string as it is, anything else as JSON (templates).'),
        argsDelayMs: DelayMsSchema.optional().describe('Pause between the last ARGS and END; default 300 ms.'),
      })
      .refine(oneArgumentForm, ONE_ARGUMENT_FORM),
    z
      .strictObject({
        type: z
          .literal('frontendToolCall')
          .describe(
            'A tool the client runs: START, ARGS, END and no result. End the run after it: the client runs the ' +
              'tool and sends a new run whose last message is the result (trigger on it with lastMessage or ' +
              'toolResult).',
          ),
        id: StepIdSchema.optional(),
        name: z.string().min(1).describe('The tool name: one of the tools the client sends in RunAgentInput.tools.'),
        ...toolArgumentFields,
        argsDelayMs: DelayMsSchema.optional().describe('Pause between the last ARGS and END; default 0.'),
      })
      .refine(oneArgumentForm, ONE_ARGUMENT_FORM),
    z.strictObject({
      type: z
        .literal('stateSnapshot')
        .describe('STATE_SNAPSHOT with this state; it becomes the thread’s state for later deltas and runs.'),
      snapshot: JsonValueSchema.describe('The whole state (templates; "{{input.state}}" echoes the client’s).'),
    }),
    z.strictObject({
      type: z
        .literal('stateDelta')
        .describe(
          'STATE_DELTA: RFC 6902 operations, applied to the thread’s state. A delta that does not apply is ' +
            'refused when stored, or (when it depends on the request) ends the run with RUN_ERROR naming the op.',
        ),
      delta: PatchSchema.describe('The JSON Patch operations (templates).'),
    }),
    z.strictObject({
      type: z
        .literal('messagesSnapshot')
        .describe('MESSAGES_SNAPSHOT: the conversation as the client should now show it.'),
      history: z
        .enum(['request', 'none'])
        .optional()
        .describe('"request" (the default): the request’s messages first, then `messages`; "none": only `messages`.'),
      messages: z
        .array(JsonObjectSchema)
        .max(10_000)
        .describe(
          'New AG-UI messages ({id, role, content, toolCalls, toolCallId…}; templates). A tool call’s ' +
            '`function.arguments` may be written as an object: it is sent as its JSON text.',
        ),
    }),
    z.strictObject({
      type: z.literal('custom').describe('A CUSTOM event (e.g. PredictState, or your app’s own).'),
      name: z.string().min(1).describe('The event name (a template).'),
      // AG-UI's CUSTOM event needs a value: left out, it is null.
      value: JsonValueSchema.default(null).describe('Its value (templates); null when left out.'),
    }),
    z.strictObject({
      type: z
        .literal('reasoning')
        .describe('Visible reasoning: REASONING_START, a reasoning message chunk by chunk, REASONING_END.'),
      id: StepIdSchema.optional(),
      chunks: z
        .array(ChunkSchema)
        .min(1, 'a reasoning step needs at least one chunk')
        .describe('The reasoning text, one REASONING_MESSAGE_CONTENT per chunk.'),
      chunkDelayMs: DelayMsSchema.optional().describe('Pause after each chunk; default 100 ms.'),
    }),
    z.strictObject({
      type: z
        .literal('activitySnapshot')
        .describe('ACTIVITY_SNAPSHOT: a structured activity message (a plan, progress) the UI renders.'),
      id: StepIdSchema.optional(),
      messageId: z
        .string()
        .min(1)
        .optional()
        .describe('The activity message id (a template); default a fresh one, readable as steps.<id>.messageId.'),
      activityType: z.string().min(1).describe('What kind of activity (e.g. "plan"); the UI picks a renderer by it.'),
      content: z
        .union([JsonObjectSchema, z.string().min(1)])
        .describe('The activity’s content: an object (templates), or a template giving the whole object.'),
      replace: z.boolean().optional().describe('false: keep an existing message of that id (default: replace it).'),
    }),
    z.strictObject({
      type: z.literal('activityDelta').describe('ACTIVITY_DELTA: JSON Patch operations on an activity’s content.'),
      messageId: z.string().min(1).describe('The activity message id, e.g. "{{steps.plan.messageId}}".'),
      activityType: z.string().min(1).describe('Its activity type.'),
      patch: PatchSchema.describe('The JSON Patch operations (templates).'),
    }),
    z.strictObject({
      type: z.literal('setContext').describe('Remember values for the rest of the conversation, for branch steps.'),
      values: JsonObjectSchema.describe('Context keys and their values (templates).'),
    }),
    z.strictObject({
      type: z.literal('let').describe('Name templated strings for this run: {{vars.<name>}}, rendered once.'),
      values: z
        .record(z.string().regex(/^\w+$/, 'a variable name is letters, digits and _ only'), z.string())
        .describe('Variable names and their templates.'),
    }),
    z.strictObject({
      type: z.literal('branch').describe('Play `steps` when the condition holds, else `otherwise`.'),
      when: BRANCH_WHEN,
      steps: StepsSchema.describe('Played when the condition holds.'),
      otherwise: StepsSchema.optional().describe('Played when it does not.'),
    }),
    z.strictObject({
      type: z.literal('random').describe('Play one of the branches, chosen at random.'),
      branches: z
        .array(
          z
            .strictObject({
              weight: z
                .number()
                .positive()
                .max(1_000_000)
                .optional()
                .describe('How likely, relative to the others; default 1.'),
              steps: StepsSchema.describe('The steps of this branch.'),
            })
            .describe('One possible branch.'),
        )
        .min(1, 'a random step needs at least one branch')
        .max(100)
        .describe('The branches to choose from.'),
    }),
    z.strictObject({
      type: z
        .literal('approval')
        .describe(
          'Human in the loop: ask, wait for the answer (WebSocket) or end with an interrupt (HTTP), then go on.',
        ),
      id: StepIdSchema.optional(),
      request: z
        .strictObject({
          toolName: z.string().min(1).describe('The tool waiting for approval.'),
          toolDescription: z.string().describe('What it will do.'),
          parameters: JsonObjectSchema.describe('Its arguments.'),
          reasoning: z.string().describe('Why the agent wants to call it.'),
          riskLevel: z.enum(['low', 'medium', 'high']).describe('How risky it is.'),
        })
        .describe('What is shown to the person who approves (templates).'),
      timeoutMs: z
        .number()
        .int()
        .min(0)
        .max(86_400_000)
        .optional()
        .describe('Real ms to wait for the answer (not scaled by speed); default approvalTimeoutMs; 0 forever.'),
      approved: StepsSchema.describe('Played when approved.'),
      rejected: StepsSchema.describe('Played when rejected.'),
      timeout: StepsSchema.describe('Played when no answer came in time.'),
    }),
    z.strictObject({
      type: z
        .literal('interrupt')
        .describe(
          'AG-UI interrupt, on every transport: the run ends with RUN_FINISHED {outcome: interrupt}; the next run ' +
            'whose `resume` answers it continues here.',
        ),
      id: StepIdSchema.optional(),
      reason: z.string().min(1).describe('Why the run paused (e.g. "confirmation", "input_required"; a template).'),
      message: z.string().optional().describe('What to ask the person (a template).'),
      toolCallId: z.string().optional().describe('The tool call it is about (a template).'),
      responseSchema: JsonObjectSchema.optional().describe(
        'JSON Schema (2020-12) a resolved resume payload must satisfy (else refused, the run still paused); sent as written, not a template.',
      ),
      metadata: JsonObjectSchema.optional().describe('Anything else the UI needs (templates).'),
      expiresInMs: z
        .number()
        .int()
        .min(1)
        .max(86_400_000)
        .optional()
        .describe('Real ms after which an answer plays `expired`; default never.'),
      resolved: StepsSchema.describe('Played when resumed with status "resolved": {{steps.<id>.payload}} holds it.'),
      cancelled: StepsSchema.optional().describe('Played when resumed with status "cancelled"; default nothing.'),
      expired: StepsSchema.optional().describe('Played when the answer came after expiresInMs; default nothing.'),
    }),
  ])
  .describe('One step of a scenario.');

export const ScenarioSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -')
    .max(100)
    .describe('Stable id: agents and sockets name the scenarios they play by it.'),
  name: nameText(200).describe('A name for people.'),
  description: z.string().max(2000).default('').describe('What the scenario shows.'),
  triggers: z
    .array(ScenarioTriggerSchema)
    .describe('Which runs it answers; a scenario without triggers only plays when asked.'),
  steps: StepsSchema.describe('What the run sends, in order, between RUN_STARTED and RUN_FINISHED.'),
});
export type Scenario = z.infer<typeof ScenarioSchema>;
/** A scenario as written by hand (defaults not yet applied). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;

/** The step types, in the order the editor offers them. */
export const SCENARIO_STEP_TYPES: readonly ScenarioStepType[] = [
  'text',
  'toolCall',
  'frontendToolCall',
  'stateSnapshot',
  'stateDelta',
  'messagesSnapshot',
  'custom',
  'reasoning',
  'activitySnapshot',
  'activityDelta',
  'wait',
  'step',
  'emit',
  'setContext',
  'let',
  'branch',
  'random',
  'approval',
  'interrupt',
];
