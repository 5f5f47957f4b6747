import { EventSchemas } from '@ag-ui/core/schemas';
import type { JsonObject, JsonValue, Scenario, ScenarioStep } from '../../shared/scenario';
import type { Op, ScenarioProgram } from './scenario-program';
import { toSpokenText } from './spoken-text';
import { compileJson, compileString, isConstantJson, type TemplateScope } from './template';

/** Defaults of AGORA's mock: 0.1 s between text chunks, 0.3 s between a tool's arguments and its end. */
export const DEFAULT_CHUNK_DELAY_MS = 100;
export const DEFAULT_TOOL_ARGS_DELAY_MS = 300;

export class ScenarioCompileError extends Error {
  override name = 'ScenarioCompileError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/**
 * Compiles a validated scenario. Every `emit` is rendered once with sample values and checked against
 * @ag-ui/core's EventSchemas here, so a stored scenario cannot send an invalid event and runs need no
 * per-event validation.
 */
export function compileScenario(scenario: Scenario): ScenarioProgram {
  return { scenario, ops: compileSteps(scenario.steps, 'steps') };
}

function compileSteps(steps: readonly ScenarioStep[], path: string): Op[] {
  return steps.map((step, index) => {
    const at = `${path}.${index}`;
    try {
      return compileStep(step, at);
    } catch (error) {
      if (error instanceof ScenarioCompileError) throw error;
      throw new ScenarioCompileError((error as Error).message, at);
    }
  });
}

function compileStep(step: ScenarioStep, path: string): Op {
  switch (step.type) {
    case 'emit': {
      const event = compileJson(step.event);
      checkEvent(event(SAMPLE_SCOPE), path);
      return { kind: 'emit', id: step.id, event };
    }
    case 'wait':
      return { kind: 'wait', ms: step.ms };
    case 'step': {
      const name = compileString(step.name);
      const nameJson = name.constant === undefined ? undefined : JSON.stringify(name.constant);
      return { kind: 'step', name, nameJson, body: compileSteps(step.steps, `${path}.steps`) };
    }
    case 'text':
      return {
        kind: 'text',
        id: step.id,
        chunks: step.chunks.map((chunk) => {
          const written = compileString(chunk);
          const spoken = written.constant === undefined ? undefined : toSpokenText(written.constant);
          return {
            written,
            writtenJson: written.constant === undefined ? undefined : JSON.stringify(written.constant),
            spoken,
            spokenJson: spoken === undefined ? undefined : JSON.stringify(spoken),
          };
        }),
        chunkDelayMs: step.chunkDelayMs ?? DEFAULT_CHUNK_DELAY_MS,
        spoken: step.spoken ?? true,
      };
    case 'toolCall': {
      const displayName = step.displayName === undefined ? undefined : compileString(step.displayName);
      const description = step.description === undefined ? undefined : compileString(step.description);
      const startConstant = displayName?.constant !== undefined || !displayName;
      const descriptionConstant = description?.constant !== undefined || !description;
      const argsDelta = isConstantJson(step.args) ? JSON.stringify(step.args) : undefined;
      const resultContent = isConstantJson(step.result) ? toolContent(step.result) : undefined;
      return {
        kind: 'toolCall',
        id: step.id,
        name: step.name,
        displayName,
        description,
        startFieldsJson:
          startConstant && descriptionConstant
            ? toolStartFields(step.name, displayName?.constant, description?.constant)
            : undefined,
        args: compileJson(step.args),
        argsDelta,
        argsDeltaJson: argsDelta === undefined ? undefined : JSON.stringify(argsDelta),
        result: compileJson(step.result),
        resultContent,
        resultContentJson: resultContent === undefined ? undefined : JSON.stringify(resultContent),
        argsDelayMs: step.argsDelayMs ?? DEFAULT_TOOL_ARGS_DELAY_MS,
      };
    }
    case 'stateSnapshot':
      return { kind: 'stateSnapshot', snapshot: compileJson(step.snapshot) };
    case 'stateDelta': {
      const delta = compileJson(step.delta as JsonValue) as (scope: TemplateScope) => JsonObject[];
      checkEvent({ type: 'STATE_DELTA', delta: delta(SAMPLE_SCOPE) }, path);
      return { kind: 'stateDelta', delta };
    }
    case 'setContext':
      return {
        kind: 'setContext',
        values: Object.entries(step.values).map(([key, value]) => [key, compileJson(value)] as const),
      };
    case 'let':
      return {
        kind: 'let',
        values: Object.entries(step.values).map(([name, value]) => [name, compileString(value)] as const),
      };
    case 'branch':
      return {
        kind: 'branch',
        context: step.when.context,
        equals: step.when.equals === undefined ? undefined : JSON.stringify(step.when.equals),
        steps: compileSteps(step.steps, `${path}.steps`),
        otherwise: compileSteps(step.otherwise ?? [], `${path}.otherwise`),
      };
    case 'approval':
      return {
        kind: 'approval',
        id: step.id,
        request: compileJson(step.request as JsonObject),
        timeoutMs: step.timeoutMs,
        approved: compileSteps(step.approved, `${path}.approved`),
        rejected: compileSteps(step.rejected, `${path}.rejected`),
        timeout: compileSteps(step.timeout, `${path}.timeout`),
      };
  }
}

/** A tool result as TOOL_CALL_RESULT content: strings as they are, anything else as JSON. */
export function toolContent(result: JsonValue): string {
  return typeof result === 'string' ? result : JSON.stringify(result);
}

/** TOOL_CALL_START's fields after `toolCallId`, in the order the player builds the event object. */
export function toolStartFields(name: string, displayName: string | undefined, description: string | undefined) {
  let json = `,"toolCallName":${JSON.stringify(name)}`;
  // AGORA's extra fields; absent rather than null when a scenario does not set them.
  if (displayName) json += `,"toolDisplayName":${JSON.stringify(displayName)}`;
  if (description) json += `,"toolDescription":${JSON.stringify(description)}`;
  return json;
}

function checkEvent(event: unknown, path: string): void {
  const result = EventSchemas.safeParse(event);
  if (result.success) return;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new ScenarioCompileError(`not a valid AG-UI event${where}: ${issue?.message ?? 'invalid'}`, path);
}

/** Stand-in values for checking emits when a scenario is stored. */
const SAMPLE_SCOPE: TemplateScope = {
  threadId: 'thread-sample',
  runId: 'run-sample',
  userId: 'user-sample',
  origin: 'http://127.0.0.1:8000',
  lastUserMessage: 'sample',
  steps: new Map(),
  vars: new Map(),
  context: new Map(),
};
