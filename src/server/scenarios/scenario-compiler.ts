import { EventType } from '@ag-ui/core';
import { EventSchemas } from '@ag-ui/core/schemas';
import { closestName } from '../../shared/closest-name';
import type { Chunk, JsonObject, JsonValue, Scenario, ScenarioStep } from '../../shared/scenario';
import type { SchemaCheck } from '../routes/json-schemas';
import { type ConditionIssue, compileCondition } from './run-conditions';
import type { Op, TextChunk, ToolArguments } from './scenario-program';
import { toSpokenText } from './spoken-text';
import { type CompiledString, isConstantJson, type Render, type ScenarioTemplates } from './template';

/** Defaults of AGORA's mock: 0.1 s between text chunks, 0.3 s between a tool's arguments and its end. */
export const DEFAULT_CHUNK_DELAY_MS = 100;
export const DEFAULT_TOOL_ARGS_DELAY_MS = 300;

/** Every problem found compiling a scenario, each at its place (`steps.2.chunks.0`). */
export class ScenarioCompileError extends Error {
  override name = 'ScenarioCompileError';
  constructor(readonly issues: ConditionIssue[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '));
  }
}

/** Compiles a JSON Schema for JSON values (`JsonSchemas.compile`); throws an Error saying what is wrong with it. */
export type SchemaCompiler = (schema: JsonObject) => SchemaCheck;

/**
 * Compiles a validated scenario's steps. Templates that do not compile, conditions that cannot run, constant
 * events that are not valid AG-UI and interrupts' `responseSchema`s that do not compile are all reported, not just
 * the first (the dry run then checks the stream).
 */
export function compileSteps(scenario: Scenario, templates: ScenarioTemplates, schemas: SchemaCompiler): Op[] {
  const compiler = new StepCompiler(templates, schemas);
  const ops = compiler.steps(scenario.steps, 'steps');
  if (compiler.issues.length > 0) throw new ScenarioCompileError(compiler.issues);
  return ops;
}

const UNUSABLE: Render<never> = () => {
  throw new Error('this template did not compile');
};

class StepCompiler {
  readonly issues: ConditionIssue[] = [];

  constructor(
    private readonly templates: ScenarioTemplates,
    private readonly schemas: SchemaCompiler,
  ) {}

  steps(steps: readonly ScenarioStep[], path: string): Op[] {
    return steps.map((step, index) => this.step(step, `${path}.${index}`));
  }

  private problem(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  private string(source: string, path: string): CompiledString {
    try {
      return this.templates.string(source);
    } catch (error) {
      this.problem(path, (error as Error).message);
      return { constant: source, render: () => source };
    }
  }

  private json<T extends JsonValue>(value: T, path: string): Render<T> {
    try {
      return this.templates.json(value);
    } catch (error) {
      this.problem(path, (error as Error).message);
      return UNUSABLE;
    }
  }

  private chunks(chunks: readonly Chunk[], delayMs: number, path: string, spoken: boolean): TextChunk[] {
    return chunks.map((chunk, index) => {
      const text = typeof chunk === 'string' ? chunk : chunk.text;
      const written = this.string(text, `${path}.${index}`);
      const spokenText = spoken && written.constant !== undefined ? toSpokenText(written.constant) : undefined;
      return {
        written,
        writtenJson: written.constant === undefined ? undefined : JSON.stringify(written.constant),
        spoken: spokenText,
        spokenJson: spokenText === undefined ? undefined : JSON.stringify(spokenText),
        delayMs: typeof chunk === 'string' ? delayMs : chunk.delayMs,
      };
    });
  }

  private toolArguments(
    step: { args?: JsonObject; argsChunks?: Chunk[]; chunkDelayMs?: number },
    path: string,
  ): ToolArguments {
    if (step.argsChunks) {
      const chunks = this.chunks(step.argsChunks, step.chunkDelayMs ?? 0, `${path}.argsChunks`, false);
      if (chunks.every((chunk) => chunk.written.constant !== undefined)) {
        const text = chunks.map((chunk) => chunk.written.constant).join('');
        const parsed = parseJson(text);
        if (parsed === undefined || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
          this.problem(
            `${path}.argsChunks`,
            `together the pieces must make one JSON object (the client parses the arguments at TOOL_CALL_END), got ${JSON.stringify(text.slice(0, 80))}`,
          );
      }
      return { form: 'chunks', chunks };
    }
    const args = step.args ?? {};
    const delta = isConstantJson(args) ? JSON.stringify(args) : undefined;
    return {
      form: 'document',
      args: this.json(args, `${path}.args`),
      delta,
      deltaJson: delta === undefined ? undefined : JSON.stringify(delta),
    };
  }

  private schema(schema: JsonObject, path: string): SchemaCheck | undefined {
    try {
      return this.schemas(schema);
    } catch (error) {
      this.problem(path, `invalid JSON Schema: ${(error as Error).message}`);
      return undefined;
    }
  }

  private checkEvent(event: JsonValue, path: string): void {
    const result = EventSchemas.safeParse(event);
    if (result.success) return;
    this.problem(path, eventProblem(result.error));
  }

  private step(step: ScenarioStep, path: string): Op {
    switch (step.type) {
      case 'emit': {
        const constant = isConstantJson(step.event);
        const typeProblem = eventTypeProblem(step.event.type);
        // A misspelt type said at its place with the name meant, rather than the schema's list of every type.
        if (typeProblem) this.problem(`${path}.event.type`, typeProblem);
        else if (constant) this.checkEvent({ ...step.event, timestamp: 0 }, path);
        return { path, kind: 'emit', id: step.id, event: this.json(step.event, `${path}.event`), validate: !constant };
      }
      case 'wait':
        return { path, kind: 'wait', ms: step.ms };
      case 'step': {
        const name = this.string(step.name, `${path}.name`);
        const nameJson = name.constant === undefined ? undefined : JSON.stringify(name.constant);
        return { path, kind: 'step', name, nameJson, body: this.steps(step.steps, `${path}.steps`) };
      }
      case 'text': {
        const spoken = step.spoken ?? true;
        const delay = step.chunkDelayMs ?? DEFAULT_CHUNK_DELAY_MS;
        return {
          path,
          kind: 'text',
          id: step.id,
          chunks: this.chunks(step.chunks, delay, `${path}.chunks`, spoken),
          spoken,
        };
      }
      case 'toolCall':
      case 'frontendToolCall': {
        const backend = step.type === 'toolCall' ? step : undefined;
        const displayName = backend?.displayName === undefined ? undefined : this.string(backend.displayName, path);
        const description = backend?.description === undefined ? undefined : this.string(backend.description, path);
        const startConstant = displayName?.constant !== undefined || !displayName;
        const descriptionConstant = description?.constant !== undefined || !description;
        const parentMessageId =
          step.parentMessageId === undefined ? undefined : this.string(step.parentMessageId, `${path}.parentMessageId`);
        const resultContent = backend && isConstantJson(backend.result) ? toolContent(backend.result) : undefined;
        return {
          path,
          kind: 'toolCall',
          id: step.id,
          name: step.name,
          displayName,
          description,
          parentMessageId,
          startFieldsJson:
            startConstant && descriptionConstant && !parentMessageId
              ? toolStartFields(step.name, displayName?.constant, description?.constant, undefined)
              : undefined,
          args: this.toolArguments(step, path),
          result: backend ? this.json(backend.result, `${path}.result`) : undefined,
          resultContent,
          resultContentJson: resultContent === undefined ? undefined : JSON.stringify(resultContent),
          argsDelayMs: step.argsDelayMs ?? (backend ? DEFAULT_TOOL_ARGS_DELAY_MS : 0),
        };
      }
      case 'stateSnapshot':
        return {
          path,
          kind: 'stateSnapshot',
          snapshot: this.json(step.snapshot, `${path}.snapshot`),
          constant: isConstantJson(step.snapshot),
        };
      case 'stateDelta':
        return {
          path,
          kind: 'stateDelta',
          delta: this.json(step.delta as JsonValue, `${path}.delta`),
          constant: isConstantJson(step.delta as JsonValue),
        };
      case 'messagesSnapshot':
        return {
          path,
          kind: 'messagesSnapshot',
          history: step.history !== 'none',
          messages: this.json(step.messages, `${path}.messages`),
          validate: step.history !== 'none' || !isConstantJson(step.messages),
        };
      case 'custom':
        return {
          path,
          kind: 'custom',
          name: this.string(step.name, `${path}.name`),
          value: step.value === undefined ? undefined : this.json(step.value, `${path}.value`),
        };
      case 'reasoning':
        return {
          path,
          kind: 'reasoning',
          id: step.id,
          chunks: this.chunks(step.chunks, step.chunkDelayMs ?? DEFAULT_CHUNK_DELAY_MS, `${path}.chunks`, false),
        };
      case 'activitySnapshot':
        return {
          path,
          kind: 'activitySnapshot',
          id: step.id,
          messageId: step.messageId === undefined ? undefined : this.string(step.messageId, `${path}.messageId`),
          activityType: this.string(step.activityType, `${path}.activityType`),
          content: this.json(step.content, `${path}.content`),
          replace: step.replace,
          validate: !isConstantJson(step.content),
        };
      case 'activityDelta':
        return {
          path,
          kind: 'activityDelta',
          messageId: this.string(step.messageId, `${path}.messageId`),
          activityType: this.string(step.activityType, `${path}.activityType`),
          patch: this.json(step.patch as JsonValue, `${path}.patch`),
          validate: !isConstantJson(step.patch as JsonValue),
        };
      case 'setContext':
        return {
          path,
          kind: 'setContext',
          values: Object.entries(step.values).map(
            ([key, value]) => [key, this.json(value, `${path}.values.${key}`)] as const,
          ),
        };
      case 'let':
        return {
          path,
          kind: 'let',
          values: Object.entries(step.values).map(
            ([name, value]) => [name, this.string(value, `${path}.values.${name}`)] as const,
          ),
        };
      case 'branch':
        return {
          path,
          kind: 'branch',
          when: compileCondition(step.when, `${path}.when`, this.issues),
          steps: this.steps(step.steps, `${path}.steps`),
          otherwise: this.steps(step.otherwise ?? [], `${path}.otherwise`),
        };
      case 'random':
        return {
          path,
          kind: 'random',
          weights: step.branches.map((branch) => branch.weight ?? 1),
          branches: step.branches.map((branch, index) => this.steps(branch.steps, `${path}.branches.${index}.steps`)),
        };
      case 'approval':
        return {
          path,
          kind: 'approval',
          id: step.id,
          request: this.json(step.request as JsonObject, `${path}.request`),
          timeoutMs: step.timeoutMs,
          approved: this.steps(step.approved, `${path}.approved`),
          rejected: this.steps(step.rejected, `${path}.rejected`),
          timeout: this.steps(step.timeout, `${path}.timeout`),
        };
      case 'interrupt': {
        const { reason, message, toolCallId, responseSchema, metadata } = step;
        const interrupt: JsonObject = { reason };
        if (message !== undefined) interrupt.message = message;
        if (toolCallId !== undefined) interrupt.toolCallId = toolCallId;
        if (metadata !== undefined) interrupt.metadata = metadata;
        return {
          path,
          kind: 'interrupt',
          id: step.id,
          interrupt: this.json(interrupt, path),
          responseSchema,
          answerCheck: responseSchema && this.schema(responseSchema, `${path}.responseSchema`),
          expiresInMs: step.expiresInMs,
          resolved: this.steps(step.resolved, `${path}.resolved`),
          cancelled: this.steps(step.cancelled ?? [], `${path}.cancelled`),
          expired: this.steps(step.expired ?? [], `${path}.expired`),
        };
      }
    }
  }
}

/** A tool result as TOOL_CALL_RESULT content: strings as they are, anything else as JSON. */
export function toolContent(result: JsonValue): string {
  return typeof result === 'string' ? result : JSON.stringify(result);
}

/** TOOL_CALL_START's fields after `toolCallId`, in the order the player builds the event object. */
export function toolStartFields(
  name: string,
  displayName: string | undefined,
  description: string | undefined,
  parentMessageId: string | undefined,
): string {
  let json = `,"toolCallName":${JSON.stringify(name)}`;
  if (parentMessageId !== undefined) json += `,"parentMessageId":${JSON.stringify(parentMessageId)}`;
  // AGORA's extra fields; absent rather than null when a scenario does not set them.
  if (displayName) json += `,"toolDisplayName":${JSON.stringify(displayName)}`;
  if (description) json += `,"toolDescription":${JSON.stringify(description)}`;
  return json;
}

const EVENT_TYPES: readonly string[] = Object.values(EventType);

/**
 * Why `type` (an emit step's `event.type`, when written as a literal name) names no AG-UI event: the closest name
 * when one is (`TEXT_MESSAGE_CONTNET` → `TEXT_MESSAGE_CONTENT`), every name only when none is. A template, or a
 * value that is no string, is left to the event's own check.
 */
export function eventTypeProblem(type: JsonValue | undefined): string | undefined {
  if (typeof type !== 'string' || type.includes('{{') || EVENT_TYPES.includes(type)) return undefined;
  // closestName compares in lower case.
  const meant = closestName(
    type,
    EVENT_TYPES.map((name) => name.toLowerCase()),
  )?.toUpperCase();
  return meant
    ? `unknown AG-UI event type ${JSON.stringify(type)}: did you mean ${meant}?`
    : `unknown AG-UI event type ${JSON.stringify(type)}: expected one of ${EVENT_TYPES.join(', ')}`;
}

/** The first schema problem of an event, said plainly. */
export function eventProblem(error: { issues: readonly { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.map(String).join('.')}` : '';
  return `not a valid AG-UI event${where}: ${issue?.message ?? 'invalid'}`;
}

function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}
