import { z } from 'zod';
import { type JsonObject, JsonObjectSchema, type JsonValue, JsonValueSchema } from './json-value';

/**
 * Scenarios are data: what a mocked agent does for a run, as triggers (which user messages it answers) and
 * steps (what it sends, and when). The engine wraps every scenario in RUN_STARTED … RUN_FINISHED itself.
 *
 * Strings anywhere inside an event, text chunk, tool argument or result may hold `{{…}}` placeholders:
 * - `{{threadId}}`, `{{runId}}`, `{{userId}}`, `{{origin}}` (the server's origin as the client reached it),
 *   `{{lastUserMessage}}`
 * - `{{uuid}}` (a fresh UUID each time), `{{now}}` (ISO time), `{{nowMs}}` (Unix ms), `{{randomHex:N}}`
 *   (N upper-case hex digits)
 * - `{{steps.<id>.<field>}}`: a field of an earlier step's output (`messageId`, `toolCallId`, `approvalId`,
 *   `feedback`, or any top-level field of an emitted event)
 * - `{{vars.<name>}}`: a value set by a `let` step; `{{context.<key>}}`: conversation context
 * Unknown placeholders are refused when the scenario is stored.
 */

export { type JsonObject, type JsonValue, JsonValueSchema } from './json-value';

/** Step ids name step outputs in templates: `{{steps.<id>.messageId}}`. */
const StepIdSchema = z
  .string()
  .regex(/^[A-Za-z][\w-]*$/, 'letters, digits, _ and -, starting with a letter')
  .max(100)
  .describe('Names the step, so later templates can read its output: {{steps.<id>.<field>}}.');
const DelayMsSchema = z.number().int().min(0).max(3_600_000);

/**
 * Which user messages a scenario answers. Matching is case-insensitive on the last user message; the
 * trigger with the highest priority wins, ties go to the scenario listed first.
 */
const PrioritySchema = z
  .number()
  .int()
  .optional()
  .describe('Higher wins when several triggers match; ties go to the scenario listed first. Default 0.');

export const ScenarioTriggerSchema = z
  .discriminatedUnion('match', [
    z.object({
      match: z.literal('substring').describe('The last user message contains `value` (ignoring case).'),
      value: z.string().min(1).describe('The text to look for.'),
      priority: PrioritySchema,
    }),
    z.object({
      match: z.literal('regex').describe('The last user message matches `pattern` (ignoring case).'),
      pattern: z.string().min(1).describe('A regular expression in RE2 syntax (no lookaround, no backreferences).'),
      priority: PrioritySchema,
    }),
    z.object({
      match: z.literal('always').describe('Every message: for a fallback scenario (give it a low priority).'),
      priority: PrioritySchema,
    }),
  ])
  .describe('Which runs the scenario answers.');
export type ScenarioTrigger = z.infer<typeof ScenarioTriggerSchema>;

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
  chunks: string[];
  /** Delay after each chunk; default 100 ms. */
  chunkDelayMs?: number;
  /** Default true. */
  spoken?: boolean;
}
/**
 * A tool call: START (with AGORA's `toolDisplayName` / `toolDescription`), ARGS (one complete JSON document),
 * a pause, END, then RESULT (string content; a non-string result is sent as JSON). Outputs: `toolCallId`,
 * `messageId` (of the result).
 */
export interface ToolCallStep {
  type: 'toolCall';
  id?: string;
  name: string;
  displayName?: string;
  description?: string;
  args: JsonObject;
  result: JsonValue;
  /** Pause between ARGS and END; default 300 ms. */
  argsDelayMs?: number;
}
export interface StateSnapshotStep {
  type: 'stateSnapshot';
  snapshot: JsonValue;
}
/** RFC 6902 operations. */
export interface StateDeltaStep {
  type: 'stateDelta';
  delta: JsonObject[];
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
/** Plays `steps` when the conversation context key is truthy (or equals `equals`), else `otherwise`. */
export interface BranchStep {
  type: 'branch';
  when: { context: string; equals?: JsonValue };
  steps: ScenarioStep[];
  otherwise?: ScenarioStep[];
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

export type ScenarioStep =
  | EmitStep
  | WaitStep
  | StepBlock
  | TextStep
  | ToolCallStep
  | StateSnapshotStep
  | StateDeltaStep
  | SetContextStep
  | LetStep
  | BranchStep
  | ApprovalStep;

const StepsSchema: z.ZodType<ScenarioStep[]> = z.lazy(() => z.array(ScenarioStepSchema));

/** Events the engine sends itself; a scenario emitting them would break the run's sequence. */
const ENGINE_EVENT_TYPES = new Set(['RUN_STARTED', 'RUN_FINISHED']);

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
      chunks: z.array(z.string()).min(1).describe('The text, one TEXT_MESSAGE_CONTENT per chunk (templates).'),
      chunkDelayMs: DelayMsSchema.optional().describe('Pause after each chunk; default 100 ms.'),
      spoken: z
        .boolean()
        .optional()
        .describe("Also send AGORA's agora:spoken_text_* events, in a form meant for speech. Default true."),
    }),
    z.strictObject({
      type: z.literal('toolCall').describe('A tool call: START, ARGS (one JSON document), END, then RESULT.'),
      id: StepIdSchema.optional(),
      name: z.string().min(1).describe('The tool name (toolCallName).'),
      displayName: z.string().optional().describe("AGORA's toolDisplayName on TOOL_CALL_START (a template)."),
      description: z.string().optional().describe("AGORA's toolDescription on TOOL_CALL_START (a template)."),
      args: JsonObjectSchema.describe('The arguments, sent as one JSON document in TOOL_CALL_ARGS (templates).'),
      result: JsonValueSchema.describe('The result: a string as it is, anything else as JSON (templates).'),
      argsDelayMs: DelayMsSchema.optional().describe('Pause between ARGS and END; default 300 ms.'),
    }),
    z.strictObject({
      type: z.literal('stateSnapshot').describe('STATE_SNAPSHOT with this state.'),
      snapshot: JsonValueSchema.describe('The whole state (templates).'),
    }),
    z.strictObject({
      type: z.literal('stateDelta').describe('STATE_DELTA: RFC 6902 operations on the state.'),
      delta: z.array(JsonObjectSchema).describe('The JSON Patch operations (templates).'),
    }),
    z.strictObject({
      type: z.literal('setContext').describe('Remember values for the rest of the conversation, for branch steps.'),
      values: JsonObjectSchema.describe('Context keys and their values (templates).'),
    }),
    z.strictObject({
      type: z.literal('let').describe('Name templated strings for this run: {{vars.<name>}}, rendered once.'),
      values: z.record(z.string().regex(/^\w+$/), z.string()).describe('Variable names and their templates.'),
    }),
    z.strictObject({
      type: z.literal('branch').describe('Play `steps` when the conversation context says so, else `otherwise`.'),
      when: z
        .strictObject({
          context: z.string().min(1).describe('The context key to read.'),
          equals: JsonValueSchema.optional().describe('The value it must equal; without it, any truthy value.'),
        })
        .describe('The condition.'),
      steps: StepsSchema.describe('Played when the condition holds.'),
      otherwise: StepsSchema.optional().describe('Played when it does not.'),
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
  ])
  .describe('One step of a scenario.');

export const ScenarioSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -')
    .max(100)
    .describe('Stable id: agents and sockets name the scenarios they play by it.'),
  name: z.string().min(1).max(200).describe('A name for people.'),
  description: z.string().max(2000).default('').describe('What the scenario shows.'),
  triggers: z
    .array(ScenarioTriggerSchema)
    .describe('Which runs it answers; a scenario without triggers only plays when asked.'),
  steps: StepsSchema.describe('What the run sends, in order, between RUN_STARTED and RUN_FINISHED.'),
});
export type Scenario = z.infer<typeof ScenarioSchema>;
/** A scenario as written by hand (defaults not yet applied). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
