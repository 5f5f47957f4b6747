import type { FrameRecord } from '../../../../shared/connections';
import { parsedFrame, stringField } from './parsed-frame';

/** The one thing worth reading in a frame's row: the text of a chunk, the name of a tool or step, the ids. */
export function frameSummary(frame: FrameRecord): string {
  if (frame.binary) return '(binary frame)';
  const event = parsedFrame(frame);
  if (!event) return frame.text.slice(0, 200);
  const field = (name: string) => stringField(event, name);
  switch (frame.eventType) {
    case 'TEXT_MESSAGE_CONTENT':
    case 'TOOL_CALL_ARGS':
      return JSON.stringify(field('delta') ?? '');
    case 'TEXT_MESSAGE_START':
    case 'TEXT_MESSAGE_END':
      return field('messageId') ?? '';
    case 'TOOL_CALL_START':
      return `${field('toolCallName') ?? ''}  ${field('toolCallId') ?? ''}`;
    case 'TOOL_CALL_END':
      return field('toolCallId') ?? '';
    case 'TOOL_CALL_RESULT':
      return (field('content') ?? '').slice(0, 200);
    case 'STEP_STARTED':
    case 'STEP_FINISHED':
      return field('stepName') ?? '';
    case 'RUN_STARTED':
    case 'RUN_FINISHED':
      return `thread ${field('threadId') ?? ''}  run ${field('runId') ?? ''}`;
    case 'RUN_ERROR':
      return field('message') ?? '';
    case 'CUSTOM': {
      const value = event.value;
      const delta = value && typeof value === 'object' ? (value as Record<string, unknown>).delta : undefined;
      return `${field('name') ?? ''}${typeof delta === 'string' ? `  ${JSON.stringify(delta)}` : ''}`;
    }
    default:
      return frame.text.slice(0, 200);
  }
}
