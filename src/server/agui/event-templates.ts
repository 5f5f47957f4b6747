import { randomUUID } from 'node:crypto';
import { type BaseEvent, EventType } from '@ag-ui/core';
import type { StreamContext } from '../../shared/control-api';

const last = <T>(items: readonly T[]): T | undefined => items[items.length - 1];

/**
 * A ready-to-edit event of `type`, filled from the connection's stream: the current thread and run, the
 * most recently opened message, tool call, step, reasoning span or subagent — or fresh ids when none is open.
 * It is what a person most likely wants to send next, valid against EventSchemas as it stands. It has no
 * `timestamp`: the engine stamps the event when it is sent (a template kept as a draft for days would carry its day).
 */
export function eventTemplate(type: EventType, stream: StreamContext): BaseEvent {
  const threadId = stream.threadId ?? `thread-${randomUUID()}`;
  const runId = stream.runActive && stream.runId ? stream.runId : randomUUID();
  const messageId = last(stream.openTextMessages) ?? randomUUID();
  const toolCall = last(stream.openToolCalls);
  const toolCallId = toolCall?.toolCallId ?? `call-${randomUUID()}`;
  const reasoningMessageId = last(stream.openReasoningMessages) ?? randomUUID();
  const reasoningSpanId = last(stream.openReasoningSpans) ?? randomUUID();
  const subagent = last(stream.activeSubagents);
  const fields: Record<EventType, Record<string, unknown>> = {
    [EventType.RUN_STARTED]: { threadId, runId: randomUUID() },
    [EventType.RUN_FINISHED]: { threadId, runId },
    [EventType.RUN_ERROR]: { message: 'Something went wrong', code: 'mock_error' },
    [EventType.STEP_STARTED]: { stepName: 'thinking' },
    [EventType.STEP_FINISHED]: { stepName: last(stream.openSteps)?.stepName ?? 'thinking' },
    [EventType.TEXT_MESSAGE_START]: { messageId: randomUUID(), role: 'assistant' },
    [EventType.TEXT_MESSAGE_CONTENT]: { messageId, delta: 'Hallo! ' },
    [EventType.TEXT_MESSAGE_END]: { messageId },
    [EventType.TEXT_MESSAGE_CHUNK]: { messageId, role: 'assistant', delta: 'Hallo! ' },
    [EventType.TOOL_CALL_START]: { toolCallId: `call-${randomUUID()}`, toolCallName: 'get_company_info' },
    [EventType.TOOL_CALL_ARGS]: { toolCallId, delta: '{"kvk_number":"92251854"}' },
    [EventType.TOOL_CALL_END]: { toolCallId },
    [EventType.TOOL_CALL_CHUNK]: {
      toolCallId,
      toolCallName: toolCall?.toolCallName ?? 'get_company_info',
      delta: '{}',
    },
    [EventType.TOOL_CALL_RESULT]: { messageId: randomUUID(), toolCallId, content: '{"ok":true}', role: 'tool' },
    [EventType.STATE_SNAPSHOT]: { snapshot: { threadId, runId, status: 'processing' } },
    // `add` sets a member whether the thread's state has it or not (`replace` needs it there: rule ST1).
    [EventType.STATE_DELTA]: { delta: [{ op: 'add', path: '/status', value: 'completed' }] },
    [EventType.MESSAGES_SNAPSHOT]: {
      messages: [{ id: randomUUID(), role: 'assistant', content: 'Dit is een momentopname van het gesprek.' }],
    },
    [EventType.ACTIVITY_SNAPSHOT]: { messageId: randomUUID(), activityType: 'progress', content: { percent: 50 } },
    [EventType.ACTIVITY_DELTA]: {
      messageId: randomUUID(),
      activityType: 'progress',
      patch: [{ op: 'replace', path: '/percent', value: 75 }],
    },
    [EventType.RAW]: { event: { source: 'mock', payload: {} }, source: 'console' },
    [EventType.CUSTOM]: { name: 'agora:error', value: { errorCode: 'processing_error', message: 'Er ging iets mis' } },
    [EventType.REASONING_START]: { messageId: randomUUID() },
    [EventType.REASONING_MESSAGE_START]: { messageId: randomUUID(), role: 'reasoning' },
    [EventType.REASONING_MESSAGE_CONTENT]: { messageId: reasoningMessageId, delta: 'Eerst de regels nagaan… ' },
    [EventType.REASONING_MESSAGE_END]: { messageId: reasoningMessageId },
    [EventType.REASONING_MESSAGE_CHUNK]: { messageId: reasoningMessageId, delta: 'Eerst de regels nagaan… ' },
    [EventType.REASONING_END]: { messageId: reasoningSpanId },
    [EventType.REASONING_ENCRYPTED_VALUE]: { subtype: 'message', entityId: messageId, encryptedValue: 'ZW5jcnlwdGVk' },
    [EventType.SUBAGENT_STARTED]: { subagentRunId: `sub-${randomUUID().slice(0, 8)}`, name: 'regulation-agent' },
    [EventType.SUBAGENT_FINISHED]: { subagentRunId: subagent?.subagentRunId ?? 'sub-1', outcome: { type: 'success' } },
    [EventType.SUBAGENT_ERROR]: { subagentRunId: subagent?.subagentRunId ?? 'sub-1', message: 'Subagent failed' },
  };
  return { type, ...fields[type] } as BaseEvent;
}
