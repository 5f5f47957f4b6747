import { AgoraEventName } from './events';

/**
 * JSON of the events a run sends most (text and spoken chunks, steps, tool calls), built by splicing parts
 * encoded once when a scenario is compiled, instead of serialising each event object. Ids passed in must need
 * no escaping (the engine's own `msg-…`/`call-…` ids); `…Json` arguments are already JSON-encoded. The output
 * equals `JSON.stringify` of the matching event object (the tests compare both).
 */

export function stepJson(type: 'STEP_STARTED' | 'STEP_FINISHED', stepNameJson: string, timestamp: number): string {
  return `{"type":"${type}","stepName":${stepNameJson},"timestamp":${timestamp}}`;
}

export function textContentJson(messageId: string, deltaJson: string, timestamp: number): string {
  return `{"type":"TEXT_MESSAGE_CONTENT","messageId":"${messageId}","delta":${deltaJson},"timestamp":${timestamp}}`;
}

export function spokenContentJson(messageId: string, deltaJson: string, timestamp: number): string {
  return `{"type":"CUSTOM","name":"${AgoraEventName.spokenTextContent}","value":{"messageId":"${messageId}","delta":${deltaJson}},"timestamp":${timestamp}}`;
}

/** `fieldsJson`: the fields after `toolCallId`, each with its leading comma (`,"toolCallName":"…"…`). */
export function toolCallStartJson(toolCallId: string, fieldsJson: string, timestamp: number): string {
  return `{"type":"TOOL_CALL_START","toolCallId":"${toolCallId}"${fieldsJson},"timestamp":${timestamp}}`;
}

export function toolCallArgsJson(toolCallId: string, deltaJson: string, timestamp: number): string {
  return `{"type":"TOOL_CALL_ARGS","toolCallId":"${toolCallId}","delta":${deltaJson},"timestamp":${timestamp}}`;
}

export function toolCallEndJson(toolCallId: string, timestamp: number): string {
  return `{"type":"TOOL_CALL_END","toolCallId":"${toolCallId}","timestamp":${timestamp}}`;
}

export function toolCallResultJson(messageId: string, toolCallId: string, contentJson: string, timestamp: number) {
  return `{"type":"TOOL_CALL_RESULT","messageId":"${messageId}","toolCallId":"${toolCallId}","content":${contentJson},"role":"tool","timestamp":${timestamp}}`;
}
