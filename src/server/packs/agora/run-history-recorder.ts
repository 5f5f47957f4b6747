import { EventType } from '@ag-ui/core';
import type { HistoryMessage } from '../../../shared/agora-model';
import { AgoraEventName } from '../../agui/events';
import type { RunObserver } from '../../scenarios/conversation';
import type { Logger } from '../../support/logger';

/** Where runs are recorded as sessions (the AGORA store has exactly these two methods). */
export interface SessionHistoryTarget {
  recordRunStart(threadId: string, userId: string | null, userText: string): unknown;
  appendHistory(threadId: string, messages: HistoryMessage[]): unknown;
}

interface Transcript {
  agent: string | undefined;
  /** Entries completed so far, written in one go when the run ends (one store change per run, not per entry). */
  entries: HistoryMessage[];
  texts: Map<string, { content: string[]; spoken: string[] }>;
  tools: Map<string, { name: string; args: string[] }>;
}

/**
 * A message's text from its deltas, as one flat string: added up with `+=`, it would be a rope of a string per
 * delta, and the history keeps it for many runs (every piece one more object for the collector to copy and mark).
 */
function joined(deltas: string[]): string {
  return deltas.join('');
}

/**
 * Records runs as REST sessions, as AGORA's real servers do: the run's thread becomes (or updates) a session,
 * the user message goes in at the start; assistant answers, tool calls and tool results (attributed to the agent
 * the last STATE_SNAPSHOT named) go in when the run ends, synchronously with its last event, so a client that
 * refetches after RUN_FINISHED sees them. A cancelled run keeps what it said up to where it stopped. The store
 * bounds what runs record (the history limits), evicting the oldest recorded history when one is reached.
 */
export function runHistoryRecorder(target: SessionHistoryTarget, logger: Logger): RunObserver {
  const transcripts = new Map<string, Transcript>();
  return {
    runStarted(request) {
      transcripts.set(request.runId, { agent: undefined, entries: [], texts: new Map(), tools: new Map() });
      // A run plays whether or not it can be recorded: the store refuses what it cannot keep, changing nothing.
      try {
        // A run the console started repeats the client's last request: its user message is in the history already.
        const said = request.fromConsole ? '' : request.lastUserMessage;
        target.recordRunStart(request.threadId, request.userId, said);
      } catch (error) {
        logger.warn(`run ${request.runId}: not recorded as a session: ${(error as Error).message}`);
      }
    },
    event(request, { event }) {
      const transcript = transcripts.get(request.runId);
      if (!transcript) return;
      switch (event.type) {
        case EventType.STATE_SNAPSHOT: {
          const agent = (event.snapshot as { currentAgent?: unknown } | null)?.currentAgent;
          if (typeof agent === 'string') transcript.agent = agent;
          return;
        }
        case EventType.TEXT_MESSAGE_START:
          transcript.texts.set(event.messageId as string, { content: [], spoken: [] });
          return;
        case EventType.TEXT_MESSAGE_CONTENT: {
          const text = transcript.texts.get(event.messageId as string);
          if (text) text.content.push(event.delta as string);
          return;
        }
        case EventType.TEXT_MESSAGE_END: {
          const text = transcript.texts.get(event.messageId as string);
          if (!text) return;
          transcript.texts.delete(event.messageId as string);
          const spoken = joined(text.spoken);
          transcript.entries.push({
            role: 'assistant',
            content: joined(text.content),
            ...(transcript.agent && { agent_id: transcript.agent }),
            ...(spoken && { spoken_text: spoken }),
          });
          return;
        }
        case EventType.CUSTOM: {
          if (event.name !== AgoraEventName.spokenTextContent) return;
          const value = event.value as { messageId?: string; delta?: string };
          const text = value.messageId === undefined ? undefined : transcript.texts.get(value.messageId);
          if (text && typeof value.delta === 'string') text.spoken.push(value.delta);
          return;
        }
        case EventType.TOOL_CALL_START:
          transcript.tools.set(event.toolCallId as string, { name: event.toolCallName as string, args: [] });
          return;
        case EventType.TOOL_CALL_ARGS: {
          const tool = transcript.tools.get(event.toolCallId as string);
          if (tool) tool.args.push(event.delta as string);
          return;
        }
        case EventType.TOOL_CALL_END: {
          const tool = transcript.tools.get(event.toolCallId as string);
          if (!tool) return;
          transcript.entries.push({
            role: 'tool_call',
            tool_call_id: event.toolCallId as string,
            tool_name: tool.name,
            content: joined(tool.args),
            ...(transcript.agent && { agent_id: transcript.agent }),
          });
          return;
        }
        case EventType.TOOL_CALL_RESULT: {
          const tool = transcript.tools.get(event.toolCallId as string);
          transcript.tools.delete(event.toolCallId as string);
          transcript.entries.push({
            role: 'tool',
            tool_call_id: event.toolCallId as string,
            tool_name: tool?.name ?? 'unknown',
            content: event.content as string,
          });
          return;
        }
      }
    },
    runEnded(request) {
      const transcript = transcripts.get(request.runId);
      transcripts.delete(request.runId);
      if (!transcript || transcript.entries.length === 0) return;
      try {
        target.appendHistory(request.threadId, transcript.entries);
      } catch (error) {
        logger.warn(`run ${request.runId}: history not recorded: ${(error as Error).message}`);
      }
    },
  };
}
