import type { JsonObject, JsonValue, Scenario } from '../../shared/scenario';
import type { CompiledString, Render } from './template';

/**
 * A scenario compiled for playing: templates parsed, defaults applied, spoken text of constant chunks
 * worked out in advance. Built once when a scenario is stored; runs only render and send.
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
}

export type Op =
  | { kind: 'emit'; id: string | undefined; event: Render<JsonObject> }
  | { kind: 'wait'; ms: number }
  | { kind: 'step'; name: CompiledString; nameJson: string | undefined; body: readonly Op[] }
  | {
      kind: 'text';
      id: string | undefined;
      chunks: readonly TextChunk[];
      chunkDelayMs: number;
      spoken: boolean;
    }
  | {
      kind: 'toolCall';
      id: string | undefined;
      name: string;
      displayName: CompiledString | undefined;
      description: CompiledString | undefined;
      /** START's fields after toolCallId, JSON-encoded, when name, display name and description are constant. */
      startFieldsJson: string | undefined;
      args: Render<JsonObject>;
      /** The ARGS delta (one JSON document), and that as a JSON string, when the arguments are constant. */
      argsDelta: string | undefined;
      argsDeltaJson: string | undefined;
      result: Render<JsonValue>;
      /** The RESULT content, and that as a JSON string, when the result is constant. */
      resultContent: string | undefined;
      resultContentJson: string | undefined;
      argsDelayMs: number;
    }
  | { kind: 'stateSnapshot'; snapshot: Render<JsonValue> }
  | { kind: 'stateDelta'; delta: Render<JsonObject[]> }
  | { kind: 'setContext'; values: readonly (readonly [string, Render<JsonValue>])[] }
  | { kind: 'let'; values: readonly (readonly [string, CompiledString])[] }
  | { kind: 'branch'; context: string; equals: string | undefined; steps: readonly Op[]; otherwise: readonly Op[] }
  | {
      kind: 'approval';
      id: string | undefined;
      request: Render<JsonObject>;
      timeoutMs: number | undefined;
      approved: readonly Op[];
      rejected: readonly Op[];
      timeout: readonly Op[];
    };
