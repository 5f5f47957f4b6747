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
  .max(100);
const DelayMsSchema = z.number().int().min(0).max(3_600_000);

/**
 * Which user messages a scenario answers. Matching is case-insensitive on the last user message; the
 * trigger with the highest priority wins, ties go to the scenario listed first.
 */
export const ScenarioTriggerSchema = z.discriminatedUnion('match', [
  z.object({ match: z.literal('substring'), value: z.string().min(1), priority: z.number().int().optional() }),
  z.object({ match: z.literal('regex'), pattern: z.string().min(1), priority: z.number().int().optional() }),
  /** Matches every message: for a fallback scenario (give it a low priority). */
  z.object({ match: z.literal('always'), priority: z.number().int().optional() }),
]);
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

export const ScenarioStepSchema: z.ZodType<ScenarioStep> = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('emit'),
    id: StepIdSchema.optional(),
    event: JsonObjectSchema.refine((event) => typeof event.type === 'string', 'an event needs a string `type`').refine(
      (event) => !ENGINE_EVENT_TYPES.has(event.type as string),
      'RUN_STARTED and RUN_FINISHED are sent by the engine',
    ),
  }),
  z.strictObject({ type: z.literal('wait'), ms: DelayMsSchema }),
  z.strictObject({ type: z.literal('step'), name: z.string().min(1), steps: StepsSchema }),
  z.strictObject({
    type: z.literal('text'),
    id: StepIdSchema.optional(),
    chunks: z.array(z.string()).min(1),
    chunkDelayMs: DelayMsSchema.optional(),
    spoken: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal('toolCall'),
    id: StepIdSchema.optional(),
    name: z.string().min(1),
    displayName: z.string().optional(),
    description: z.string().optional(),
    args: JsonObjectSchema,
    result: JsonValueSchema,
    argsDelayMs: DelayMsSchema.optional(),
  }),
  z.strictObject({ type: z.literal('stateSnapshot'), snapshot: JsonValueSchema }),
  z.strictObject({ type: z.literal('stateDelta'), delta: z.array(JsonObjectSchema) }),
  z.strictObject({ type: z.literal('setContext'), values: JsonObjectSchema }),
  z.strictObject({ type: z.literal('let'), values: z.record(z.string().regex(/^\w+$/), z.string()) }),
  z.strictObject({
    type: z.literal('branch'),
    when: z.strictObject({ context: z.string().min(1), equals: JsonValueSchema.optional() }),
    steps: StepsSchema,
    otherwise: StepsSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('approval'),
    id: StepIdSchema.optional(),
    request: z.strictObject({
      toolName: z.string().min(1),
      toolDescription: z.string(),
      parameters: JsonObjectSchema,
      reasoning: z.string(),
      riskLevel: z.enum(['low', 'medium', 'high']),
    }),
    timeoutMs: z.number().int().min(0).max(86_400_000).optional(),
    approved: StepsSchema,
    rejected: StepsSchema,
    timeout: StepsSchema,
  }),
]);

export const ScenarioSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -')
    .max(100),
  name: z.string().min(1).max(200),
  description: z.string().max(2000).default(''),
  triggers: z.array(ScenarioTriggerSchema),
  steps: StepsSchema,
});
export type Scenario = z.infer<typeof ScenarioSchema>;
/** A scenario as written by hand (defaults not yet applied). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
