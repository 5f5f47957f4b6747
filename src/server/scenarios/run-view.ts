import { randomUUID } from 'node:crypto';
import type { Message } from '@ag-ui/core';
import type { JsonValue } from '../../shared/scenario';
import { type RunRequest, textOf } from '../agui/run-input';

/** A tool message the request ends with: the answer to a tool call the agent made. */
export interface ToolResultView {
  toolCallId: string;
  /** The tool's name, from the assistant message that made the call (undefined when the request does not say). */
  toolName: string | undefined;
  text: string;
}

/**
 * A run request as scenario conditions read it (triggers, branches): the request, the conversation's context
 * (live: a `setContext` earlier in the run shows), and whether the thread ran before. What conditions derive
 * (lower-cased text, the tool results the request ends with) is worked out once, when first asked for.
 */
export class RunView {
  private lowerUser: string | undefined;
  private lastText: string | undefined;
  private results: ToolResultView[] | undefined;

  constructor(
    readonly request: RunRequest,
    readonly context: Readonly<Record<string, JsonValue>>,
    readonly firstRun: boolean,
  ) {}

  /** A request that is just a user message (tests, the console's "which scenario answers this"). */
  static ofText(text: string): RunView {
    const threadId = `thread-${randomUUID()}`;
    const runId = randomUUID();
    const messages = [{ id: `msg-${randomUUID()}`, role: 'user', content: text }] as Message[];
    const request: RunRequest = {
      threadId,
      runId,
      userId: null,
      messages,
      lastUserMessage: text,
      state: undefined,
      resume: [],
      shape: 'ag-ui',
      input: { threadId, runId, messages, state: {}, tools: [], context: [], forwardedProps: {} },
    };
    return new RunView(request, Object.create(null), true);
  }

  get userText(): string {
    return this.request.lastUserMessage;
  }

  get lowerUserText(): string {
    this.lowerUser ??= this.request.lastUserMessage.toLowerCase();
    return this.lowerUser;
  }

  get lastMessage(): Message | undefined {
    return this.request.messages.at(-1);
  }

  get lastMessageText(): string {
    this.lastText ??= textOf(this.lastMessage?.content);
    return this.lastText;
  }

  /** The tool messages at the end of the request (after its last other message), oldest first. */
  get toolResults(): readonly ToolResultView[] {
    if (this.results) return this.results;
    const { messages } = this.request;
    let start = messages.length;
    while (start > 0 && messages[start - 1]?.role === 'tool') start--;
    const trailing = messages.slice(start) as (Message & { toolCallId?: string })[];
    const names = new Map<string, string>();
    if (trailing.length > 0) {
      for (const message of messages) {
        const calls = (message as { toolCalls?: { id?: unknown; function?: { name?: unknown } }[] }).toolCalls;
        if (message.role !== 'assistant' || !Array.isArray(calls)) continue;
        for (const call of calls) {
          if (typeof call?.id === 'string' && typeof call.function?.name === 'string')
            names.set(call.id, call.function.name);
        }
      }
    }
    this.results = trailing.map((message) => {
      const toolCallId = typeof message.toolCallId === 'string' ? message.toolCallId : '';
      return { toolCallId, toolName: names.get(toolCallId), text: textOf(message.content) };
    });
    return this.results;
  }
}
