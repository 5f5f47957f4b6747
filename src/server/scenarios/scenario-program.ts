import type { JsonObject, JsonValue, Scenario } from '../../shared/scenario';
import type { SchemaCheck } from '../routes/json-schemas';
import type { RunCondition } from './run-conditions';
import type { CompiledString, Render } from './template';

/**
 * A scenario compiled for playing: templates parsed, conditions compiled, defaults applied, spoken text of constant
 * chunks worked out in advance. Built once when a scenario is stored; runs only render and send.
 */
export interface ScenarioProgram {
  readonly scenario: Scenario;
  readonly ops: readonly Op[];
}

/** Constant parts are also kept JSON-encoded, so a run splices them into frames instead of serialising them. */
export interface TextChunk {
  readonly written: CompiledString;
  readonly writtenJson: string | undefined;
  /** Spoken form of a constant chunk, computed once; undefined when the chunk is templated. */
  readonly spoken: string | undefined;
  readonly spokenJson: string | undefined;
  /** The pause after this chunk (the step's chunk delay, or the chunk's own). */
  readonly delayMs: number;
}

/** How a tool call's arguments go out: one JSON document, or raw text in chunks. */
export type ToolArguments =
  | {
      readonly form: 'document';
      readonly args: Render<JsonObject>;
      /** The ARGS delta (one JSON document), and that as a JSON string, when the arguments are constant. */
      readonly delta: string | undefined;
      readonly deltaJson: string | undefined;
    }
  | { readonly form: 'chunks'; readonly chunks: readonly TextChunk[] };

/** Where in the scenario an op was written (`steps.2.approved.0`), for the problems a dry run finds. */
interface Placed {
  readonly path: string;
}

export type Op = Placed &
  (
    | {
        kind: 'emit';
        id: string | undefined;
        event: Render<JsonObject>;
        /** Templated events are checked against the AG-UI schemas as they are sent (constant ones when stored). */
        validate: boolean;
      }
    | { kind: 'wait'; ms: number }
    | { kind: 'step'; name: CompiledString; nameJson: string | undefined; body: readonly Op[] }
    | { kind: 'text'; id: string | undefined; chunks: readonly TextChunk[]; spoken: boolean }
    | {
        kind: 'toolCall';
        id: string | undefined;
        name: string;
        displayName: CompiledString | undefined;
        description: CompiledString | undefined;
        parentMessageId: CompiledString | undefined;
        /** START's fields after toolCallId, JSON-encoded, when name, display name and description are constant. */
        startFieldsJson: string | undefined;
        args: ToolArguments;
        /** Undefined for a frontend tool: the client answers it in its next run. */
        result: Render<JsonValue> | undefined;
        /** The RESULT content, and that as a JSON string, when the result is constant. */
        resultContent: string | undefined;
        resultContentJson: string | undefined;
        argsDelayMs: number;
      }
    | { kind: 'stateSnapshot'; snapshot: Render<JsonValue>; constant: boolean }
    | { kind: 'stateDelta'; delta: Render<JsonValue>; constant: boolean }
    | { kind: 'messagesSnapshot'; history: boolean; messages: Render<JsonObject[]>; validate: boolean }
    | { kind: 'custom'; name: CompiledString; value: Render<JsonValue> | undefined }
    | { kind: 'reasoning'; id: string | undefined; chunks: readonly TextChunk[] }
    | {
        kind: 'activitySnapshot';
        id: string | undefined;
        messageId: CompiledString | undefined;
        activityType: CompiledString;
        content: Render<JsonValue>;
        replace: boolean | undefined;
        validate: boolean;
      }
    | {
        kind: 'activityDelta';
        messageId: CompiledString;
        activityType: CompiledString;
        patch: Render<JsonValue>;
        validate: boolean;
      }
    | { kind: 'setContext'; values: readonly (readonly [string, Render<JsonValue>])[] }
    | { kind: 'let'; values: readonly (readonly [string, CompiledString])[] }
    | { kind: 'branch'; when: RunCondition; steps: readonly Op[]; otherwise: readonly Op[] }
    | { kind: 'random'; weights: readonly number[]; branches: readonly (readonly Op[])[] }
    | {
        kind: 'approval';
        id: string | undefined;
        request: Render<JsonObject>;
        timeoutMs: number | undefined;
        approved: readonly Op[];
        rejected: readonly Op[];
        timeout: readonly Op[];
      }
    | {
        kind: 'interrupt';
        id: string | undefined;
        /** reason, message, toolCallId and metadata, as the interrupt carries them. */
        interrupt: Render<JsonObject>;
        /** Sent as written (not a template), so that the client is told the schema its answer is checked against. */
        responseSchema: JsonObject | undefined;
        answerCheck: SchemaCheck | undefined;
        expiresInMs: number | undefined;
        resolved: readonly Op[];
        cancelled: readonly Op[];
        expired: readonly Op[];
      }
  );

export type OpOf<K extends Op['kind']> = Extract<Op, { kind: K }>;
