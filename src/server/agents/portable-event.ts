import { type BaseEvent, EventType } from '@ag-ui/core';
import { type OutgoingEvent, outgoing } from '../agui/events';

/**
 * The event as any AG-UI 1.0 client takes it without complaint. AGORA's TOOL_CALL_START carries two extra
 * top-level fields (`toolDisplayName`, `toolDescription`) that HAI reads on /ws; the official client strips
 * unknown fields with a warning, so on HTTP they travel under `metadata`, AG-UI's place for extension data.
 * Every other event passes untouched (and is not serialised again).
 */
export function portableEvent(outgoingEvent: OutgoingEvent): OutgoingEvent {
  const event = outgoingEvent.event;
  if (event.type !== EventType.TOOL_CALL_START) return outgoingEvent;
  const { toolDisplayName, toolDescription, ...rest } = event;
  if (toolDisplayName === undefined && toolDescription === undefined) return outgoingEvent;
  return outgoing({
    ...rest,
    metadata: {
      ...(rest.metadata as Record<string, unknown> | undefined),
      ...(toolDisplayName !== undefined && { toolDisplayName }),
      ...(toolDescription !== undefined && { toolDescription }),
    },
  } as BaseEvent);
}
