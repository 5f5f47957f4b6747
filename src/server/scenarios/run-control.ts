import { type BaseEvent, EventType } from '@ag-ui/core';
import { AgoraEventName, type OutgoingEvent } from '../agui/events';
import type { RuleFinding, RunRuleFinding } from '../agui/sequence-tracker';
import type { Connection } from '../ws/connection';

/**
 * How the control API's injections reach the scenario run playing on a connection (set by the endpoint that plays
 * runs on it: an AG-UI socket, an HTTP/SSE stream). Without one (no run ever played there), events are only sent.
 */
export interface RunControl {
  /**
   * What sending `events` in order now would break of what the engine knows beyond the sequence rules, one entry
   * per event (null where nothing): a close of an item the playing scenario opened (SC1), a STATE_DELTA that does
   * not apply to the thread's state as the engine knows it (ST1). Nothing changes.
   */
  check(events: readonly BaseEvent[]): (RunRuleFinding | null)[];
  /**
   * Sends one event a person injects (through the connection: its tracker and frame log follow) and tells the
   * playing run: a RUN_FINISHED or RUN_ERROR ends it there (nothing more of it is sent, the engine adds no closing
   * events); a close of an item it opened takes the item over (the scenario skips its own close); a state event
   * moves the state it knows. Returns the sequence rule the event broke, as `Connection.sendEvent` does.
   */
  send(event: OutgoingEvent, delayMs: number): RuleFinding | null;
}

const controls = new WeakMap<Connection, RunControl>();

export function setRunControl(connection: Connection, control: RunControl): void {
  controls.set(connection, control);
}

/**
 * Forgets the connection's run control once no run can play on it any more: a closed connection stays listed for
 * the console a while, and must not keep what the control reaches (its socket, its HTTP request and response).
 */
export function clearRunControl(connection: Connection): void {
  controls.delete(connection);
}

export function runControlOf(connection: Connection): RunControl | undefined {
  return controls.get(connection);
}

/** A RUN_FINISHED or RUN_ERROR: the end of the run on the wire. */
export function isTerminal(event: BaseEvent): boolean {
  return event.type === EventType.RUN_FINISHED || event.type === EventType.RUN_ERROR;
}

/** What a run may have open; `spoken` is AGORA's spoken twin of a text message. */
export type ItemKind = 'text' | 'spoken' | 'tool' | 'step' | 'reasoning' | 'reasoning-span';

/** An event's part in an item's life: it opens it, continues it (content, args) or closes it. */
export interface ItemEvent {
  kind: ItemKind;
  id: string;
  role: 'open' | 'continue' | 'close';
}

/** The scenario's spoken text (a text step's `spoken`) rides on CUSTOM events named for its part in the item. */
const SPOKEN_ROLES: Partial<Record<string, ItemEvent['role']>> = {
  [AgoraEventName.spokenTextStart]: 'open',
  [AgoraEventName.spokenTextContent]: 'continue',
  [AgoraEventName.spokenTextEnd]: 'close',
};

/** Which item `event` opens, continues or closes (of those a scenario opens), if any. */
export function itemEvent(event: BaseEvent): ItemEvent | undefined {
  const message = event.messageId as string;
  const toolCall = event.toolCallId as string;
  switch (event.type) {
    case EventType.TEXT_MESSAGE_START:
      return { kind: 'text', id: message, role: 'open' };
    case EventType.TEXT_MESSAGE_CONTENT:
      return { kind: 'text', id: message, role: 'continue' };
    case EventType.TEXT_MESSAGE_END:
      return { kind: 'text', id: message, role: 'close' };
    case EventType.TOOL_CALL_START:
      return { kind: 'tool', id: toolCall, role: 'open' };
    case EventType.TOOL_CALL_ARGS:
      return { kind: 'tool', id: toolCall, role: 'continue' };
    case EventType.TOOL_CALL_END:
      return { kind: 'tool', id: toolCall, role: 'close' };
    case EventType.STEP_STARTED:
      return { kind: 'step', id: event.stepName as string, role: 'open' };
    case EventType.STEP_FINISHED:
      return { kind: 'step', id: event.stepName as string, role: 'close' };
    case EventType.REASONING_START:
      return { kind: 'reasoning-span', id: message, role: 'open' };
    case EventType.REASONING_END:
      return { kind: 'reasoning-span', id: message, role: 'close' };
    case EventType.REASONING_MESSAGE_START:
      return { kind: 'reasoning', id: message, role: 'open' };
    case EventType.REASONING_MESSAGE_CONTENT:
      return { kind: 'reasoning', id: message, role: 'continue' };
    case EventType.REASONING_MESSAGE_END:
      return { kind: 'reasoning', id: message, role: 'close' };
    case EventType.CUSTOM: {
      const role = SPOKEN_ROLES[event.name as string];
      const id = (event.value as { messageId?: unknown } | undefined)?.messageId;
      return role && typeof id === 'string' ? { kind: 'spoken', id, role } : undefined;
    }
    default:
      return undefined;
  }
}

const ITEM_WORDS: Record<ItemKind, string> = {
  text: 'text message',
  spoken: 'spoken text',
  tool: 'tool call',
  step: 'step',
  reasoning: 'reasoning message',
  'reasoning-span': 'reasoning span',
};

/** SC1: a person's close of an item the playing scenario opened. */
export function takeOverFinding(event: BaseEvent, item: ItemEvent): RunRuleFinding {
  const what = `${ITEM_WORDS[item.kind]} ${item.kind === 'step' ? JSON.stringify(item.id) : `'${item.id}'`}`;
  return {
    rule: 'SC1',
    message: `Cannot send '${event.type}' for ${what}: the playing scenario opened it and closes it itself. Sent with force, it closes now and the scenario skips its own ${event.type} (and what it had left to stream into it).`,
  };
}
