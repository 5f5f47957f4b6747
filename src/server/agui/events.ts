import {
  type BaseEvent,
  type CustomEvent,
  EventType,
  type RunErrorEvent,
  type RunFinishedEvent,
  type RunStartedEvent,
  type StepFinishedEvent,
  type TextMessageEndEvent,
  type ToolCallEndEvent,
  type ToolCallResultEvent,
} from '@ag-ui/core';

/**
 * Builders for the events the engine sends on its own (run lifecycle, closers, AGORA's custom events).
 * Typed with @ag-ui/core's event types; every event carries an integer Unix-ms timestamp as AGORA does.
 */

export type RunOutcomeType = 'success' | 'cancelled';

export function runStarted(threadId: string, runId: string): RunStartedEvent {
  return { type: EventType.RUN_STARTED, threadId, runId, timestamp: Date.now() };
}

/** A plain RUN_FINISHED for a completed run (as AGORA sends it); a stopped run says `outcome: cancelled`. */
export function runFinished(threadId: string, runId: string, outcome: RunOutcomeType = 'success'): RunFinishedEvent {
  const event: RunFinishedEvent = { type: EventType.RUN_FINISHED, threadId, runId, timestamp: Date.now() };
  if (outcome === 'cancelled') event.outcome = { type: 'cancelled' };
  return event;
}

export function stepFinished(stepName: string): StepFinishedEvent {
  return { type: EventType.STEP_FINISHED, stepName, timestamp: Date.now() };
}

export function textMessageEnd(messageId: string): TextMessageEndEvent {
  return { type: EventType.TEXT_MESSAGE_END, messageId, timestamp: Date.now() };
}

export function toolCallEnd(toolCallId: string): ToolCallEndEvent {
  return { type: EventType.TOOL_CALL_END, toolCallId, timestamp: Date.now() };
}

/** A tool call's result message; `tool-result-<toolCallId>` is the message id AGORA uses. */
export function toolCallResult(toolCallId: string, content: string): ToolCallResultEvent {
  return {
    type: EventType.TOOL_CALL_RESULT,
    messageId: `tool-result-${toolCallId}`,
    toolCallId,
    content,
    role: 'tool',
    timestamp: Date.now(),
  };
}

export function customEvent(name: string, value: unknown, timestamp = Date.now()): CustomEvent {
  return { type: EventType.CUSTOM, name, value, timestamp };
}

/** AGORA's names for its CUSTOM events. */
export const AgoraEventName = {
  error: 'agora:error',
  approvalRequest: 'agora:tool_approval_request',
  approvalResponse: 'agora:tool_approval_response',
  spokenTextStart: 'agora:spoken_text_start',
  spokenTextContent: 'agora:spoken_text_content',
  spokenTextEnd: 'agora:spoken_text_end',
} as const;

/** Why a client message was refused; sent as `agora:error` `errorCode`. */
export type AgoraErrorCode =
  | 'invalid_json'
  | 'forbidden_key'
  | 'binary_frame'
  | 'unknown_message'
  | 'invalid_run_input'
  | 'interrupt_not_pending'
  | 'invalid_approval_response'
  | 'no_pending_approval'
  | 'unknown_approval_id'
  | 'run_queue_full'
  | 'processing_error';

export function agoraError(errorCode: AgoraErrorCode, message: string, details?: unknown): CustomEvent {
  return customEvent(
    AgoraEventName.error,
    details === undefined ? { errorCode, message } : { errorCode, message, details },
  );
}

/** An event on its way to a client: the object (for observers) and its JSON, serialised exactly once. */
export interface OutgoingEvent {
  event: BaseEvent & Record<string, unknown>;
  json: string;
}

/** Where a run's events go: a WebSocket now, an SSE stream later. */
export type EventSink = (outgoing: OutgoingEvent) => void;

export function outgoing(event: BaseEvent): OutgoingEvent {
  return { event: event as OutgoingEvent['event'], json: JSON.stringify(event) };
}

export function runError(message: string, code: string): RunErrorEvent {
  return { type: EventType.RUN_ERROR, message, code, timestamp: Date.now() };
}
