import { randomUUID } from 'node:crypto';
import { type BaseEvent, EventType } from '@ag-ui/core';
import type { z } from 'zod';
import type { ConnectionKind } from '../../shared/connections';
import type { MacroName, MacroSchemas, StreamContext } from '../../shared/control-api';
import { portableEvent } from '../agents/portable-event';
import { AgoraEventName, outgoing } from './events';

type Params<N extends MacroName> = z.output<(typeof MacroSchemas)[N]>;

/** Events of one macro, and the pause before each (only text messages are paced). */
export interface MacroPlan {
  events: BaseEvent[];
  delaysMs: number[];
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/**
 * Builds a macro's events from the connection's stream context; wraps them in a run when none is active. They carry
 * no timestamp: each is stamped as it goes out (inject-routes.ts), so a paced message's chunks are as far apart as
 * they arrive. `kind` is the connection's: on the AG-UI HTTP binding (`sse`) the events are those a scenario's run
 * sends there (`portableEvent`: AGORA's extra TOOL_CALL_START fields under `metadata`), on a socket as AGORA reads
 * them.
 */
export function planMacro<N extends MacroName>(
  name: N,
  params: Params<N>,
  stream: StreamContext,
  kind: ConnectionKind = 'ws',
): MacroPlan {
  const events: BaseEvent[] = [];
  const delaysMs: number[] = [];
  const add = (event: BaseEvent, delayMs = 0) => {
    events.push(event);
    delaysMs.push(delayMs);
  };
  const body = macroBody(name, params);
  const wrap = name !== 'run-error' && ((params as { wrapInRun?: boolean }).wrapInRun ?? !stream.runActive);
  const threadId = stream.threadId ?? `thread-${randomUUID()}`;
  const runId = randomUUID();
  if (wrap) add({ type: EventType.RUN_STARTED, threadId, runId } as BaseEvent);
  for (const [index, event] of body.events.entries())
    add(kind === 'sse' ? portableEvent(outgoing(event)).event : event, body.delaysMs[index]);
  if (wrap) add({ type: EventType.RUN_FINISHED, threadId, runId } as BaseEvent);
  return { events, delaysMs };
}

function macroBody<N extends MacroName>(name: N, params: Params<N>): MacroPlan {
  switch (name) {
    case 'text-message': {
      const p = params as Params<'text-message'>;
      const messageId = p.messageId ?? randomUUID();
      const parts = chunks(p.text, p.chunkSize);
      return {
        events: [
          { type: EventType.TEXT_MESSAGE_START, messageId, role: 'assistant' } as BaseEvent,
          ...parts.map((delta) => ({ type: EventType.TEXT_MESSAGE_CONTENT, messageId, delta }) as BaseEvent),
          { type: EventType.TEXT_MESSAGE_END, messageId } as BaseEvent,
        ],
        delaysMs: [0, ...parts.map((_, index) => (index === 0 ? 0 : p.delayMs)), p.delayMs],
      };
    }
    case 'tool-call': {
      const p = params as Params<'tool-call'>;
      const toolCallId = p.toolCallId ?? `call-${randomUUID()}`;
      const events: BaseEvent[] = [
        {
          type: EventType.TOOL_CALL_START,
          toolCallId,
          toolCallName: p.toolCallName,
          ...(p.parentMessageId && { parentMessageId: p.parentMessageId }),
          ...(p.displayName && { toolDisplayName: p.displayName }),
        } as BaseEvent,
        // One complete JSON document per delta: AGORA's client parses each one.
        { type: EventType.TOOL_CALL_ARGS, toolCallId, delta: JSON.stringify(p.args) } as BaseEvent,
        { type: EventType.TOOL_CALL_END, toolCallId } as BaseEvent,
      ];
      if (p.result !== undefined)
        events.push({
          type: EventType.TOOL_CALL_RESULT,
          messageId: randomUUID(),
          toolCallId,
          content: typeof p.result === 'string' ? p.result : JSON.stringify(p.result),
          role: 'tool',
        } as BaseEvent);
      return { events, delaysMs: events.map(() => 0) };
    }
    case 'state-delta': {
      const p = params as Params<'state-delta'>;
      return {
        events: [{ type: EventType.STATE_DELTA, delta: p.delta } as BaseEvent],
        delaysMs: [0],
      };
    }
    case 'approval-request': {
      const p = params as Params<'approval-request'>;
      const value = {
        toolName: p.toolName,
        toolDescription: p.toolDescription,
        parameters: p.parameters,
        reasoning: p.reasoning,
        riskLevel: p.riskLevel,
        approvalId: p.approvalId ?? `appr-${randomUUID().slice(0, 8)}`,
      };
      return {
        events: [{ type: EventType.CUSTOM, name: AgoraEventName.approvalRequest, value } as BaseEvent],
        delaysMs: [0],
      };
    }
    case 'run-error': {
      const p = params as Params<'run-error'>;
      return {
        events: [
          {
            type: EventType.RUN_ERROR,
            message: p.message,
            ...(p.code && { code: p.code }),
          } as BaseEvent,
        ],
        delaysMs: [0],
      };
    }
  }
  throw new Error(`unknown macro ${String(name)}`);
}
