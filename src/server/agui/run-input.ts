import { randomUUID } from 'node:crypto';
import { type Message, PROTOCOL_VERSION, type ResumeEntry, type RunStartedEvent } from '@ag-ui/core';
import { RunAgentInputSchema } from '@ag-ui/core/schemas';
import { z } from 'zod';
import { type AgoraErrorCode, AgoraEventName, runStarted } from './events';

/**
 * A run request, whichever shape the client sent: AGORA's variant (no ids, snake_case ids, `context` as an
 * object, a `userId`) or the official AG-UI 1.0 RunAgentInput.
 */
export interface RunRequest {
  threadId: string;
  runId: string;
  userId: string | null;
  /** Every message with an id (generated where the client sent none). */
  messages: Message[];
  /** Text of the last user message; what scenario triggers match on. Empty when there is none. */
  lastUserMessage: string;
  state: unknown;
  resume: ResumeEntry[];
  shape: 'agora' | 'ag-ui';
  /**
   * The RunAgentInput as received (ids filled in, messages normalised): what scenario conditions' JSONPaths and
   * templates' `input.*` read (`tools`, `context`, `forwardedProps`, …).
   */
  input: Record<string, unknown>;
}

export interface ApprovalAnswer {
  approvalId: string;
  approved: boolean;
  feedback: string | null;
}

/**
 * The RUN_STARTED of a run for `request`. AG-UI 1.0 producers declare the protocol version they speak (and the
 * parent run the client named); AGORA's own dialect gets AGORA's stream as it always was.
 */
export function runStartedFor(request: RunRequest): RunStartedEvent {
  const event = runStarted(request.threadId, request.runId);
  if (request.shape !== 'ag-ui') return event;
  event.protocolVersion = PROTOCOL_VERSION;
  const parentRunId = request.input.parentRunId;
  if (typeof parentRunId === 'string') event.parentRunId = parentRunId;
  return event;
}

/** What one client message asks for. */
export type ClientRequest =
  | { kind: 'run'; request: RunRequest }
  | { kind: 'approval'; answer: ApprovalAnswer }
  | { kind: 'refused'; errorCode: AgoraErrorCode; message: string; details?: unknown };

const AgoraMessageSchema = z.looseObject({
  id: z.string().min(1).optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer', 'tool']),
  content: z.union([z.string(), z.array(z.unknown())]).nullish(),
  toolCallId: z.string().optional(),
  tool_call_id: z.string().optional(),
});

/** AGORA's RunAgentInput: `threadId` or `thread_id` etc., messages possibly without ids, `context` any shape. */
const AgoraRunInputSchema = z.looseObject({
  threadId: z.string().min(1).optional(),
  thread_id: z.string().min(1).optional(),
  runId: z.string().min(1).optional(),
  run_id: z.string().min(1).optional(),
  userId: z.string().min(1).optional(),
  user_id: z.string().min(1).optional(),
  messages: z.array(AgoraMessageSchema),
  context: z.unknown().optional(),
  state: z.unknown().optional(),
});

const ApprovalResponseSchema = z.object({
  type: z.literal('CUSTOM'),
  name: z.literal(AgoraEventName.approvalResponse),
  value: z.object({
    approvalId: z.string().min(1),
    approved: z.boolean(),
    feedback: z.string().nullish(),
  }),
});

/** Sorts a parsed client frame into a run request, an approval answer, or a refusal that says why. */
export function parseClientRequest(value: unknown): ClientRequest {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return refused('unknown_message', 'Expected a JSON object: a RunAgentInput or an agora:tool_approval_response');
  }
  const record = value as Record<string, unknown>;
  if (record.type === 'CUSTOM') {
    if (record.name !== AgoraEventName.approvalResponse) {
      return refused('unknown_message', `Unsupported CUSTOM event ${JSON.stringify(record.name)}`);
    }
    const parsed = ApprovalResponseSchema.safeParse(value);
    if (!parsed.success) {
      return refused('invalid_approval_response', 'Invalid agora:tool_approval_response', issues(parsed.error));
    }
    const { approvalId, approved, feedback } = parsed.data.value;
    return { kind: 'approval', answer: { approvalId, approved, feedback: feedback ?? null } };
  }
  if (record.type !== undefined) {
    return refused('unknown_message', `Unsupported message type ${JSON.stringify(record.type)}`);
  }
  if (!('messages' in record)) {
    return refused('unknown_message', 'Expected a RunAgentInput (with messages) or an agora:tool_approval_response');
  }
  return parseRunInput(record);
}

function parseRunInput(record: Record<string, unknown>): ClientRequest {
  // Only input that looks official is checked against the official schema: a failed zod parse is costly,
  // and AGORA's variant (no runId, messages without ids) is the common case on /ws.
  const official = looksOfficial(record) ? RunAgentInputSchema.safeParse(record) : undefined;
  // The official schema lets an empty threadId through; a run needs one to belong to a thread.
  if (official?.success && official.data.threadId === '') {
    return refused('invalid_run_input', 'Invalid RunAgentInput', [{ path: 'threadId', message: 'must not be empty' }]);
  }
  if (official?.success) {
    const input = official.data;
    return {
      kind: 'run',
      request: {
        threadId: input.threadId,
        runId: input.runId,
        userId: forwardedUserId(input.forwardedProps) ?? stringField(record, 'userId', 'user_id'),
        messages: input.messages as Message[],
        lastUserMessage: lastUserText(input.messages as Message[]),
        state: input.state,
        resume: (input.resume ?? []) as ResumeEntry[],
        shape: 'ag-ui',
        input: input as Record<string, unknown>,
      },
    };
  }
  const agora = AgoraRunInputSchema.safeParse(record);
  if (!agora.success) return refused('invalid_run_input', 'Invalid RunAgentInput', issues(agora.error));
  const input = agora.data;
  const messages = input.messages.map((message) => agoraMessage(message));
  const threadId = input.threadId ?? input.thread_id ?? randomUUID();
  const runId = input.runId ?? input.run_id ?? randomUUID();
  return {
    kind: 'run',
    request: {
      threadId,
      runId,
      userId: input.userId ?? input.user_id ?? null,
      messages,
      lastUserMessage: lastUserText(messages),
      state: input.state,
      resume: [],
      shape: 'agora',
      input: { ...input, threadId, runId, messages },
    },
  };
}

function looksOfficial(record: Record<string, unknown>): boolean {
  return (
    typeof record.threadId === 'string' &&
    typeof record.runId === 'string' &&
    Array.isArray(record.messages) &&
    record.messages.every((message) => typeof (message as { id?: unknown } | null)?.id === 'string')
  );
}

function agoraMessage(message: z.infer<typeof AgoraMessageSchema>): Message {
  const { id, tool_call_id, content, ...rest } = message;
  const normalised: Record<string, unknown> = { ...rest, id: id ?? `msg-${randomUUID()}`, content: content ?? '' };
  if (message.role === 'tool') normalised.toolCallId = message.toolCallId ?? tool_call_id ?? '';
  return normalised as unknown as Message;
}

function lastUserText(messages: readonly Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user') return textOf(message.content);
  }
  return '';
}

/** A message's text: the string, or its text parts joined. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (part && typeof part === 'object' && typeof part.text === 'string' ? part.text : ''))
    .filter(Boolean)
    .join('\n');
}

function forwardedUserId(forwardedProps: unknown): string | null {
  if (forwardedProps === null || typeof forwardedProps !== 'object') return null;
  return stringField(forwardedProps as Record<string, unknown>, 'userId', 'user_id');
}

function stringField(record: Record<string, unknown>, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return null;
}

function refused(errorCode: AgoraErrorCode, message: string, details?: unknown): ClientRequest {
  return details === undefined
    ? { kind: 'refused', errorCode, message }
    : { kind: 'refused', errorCode, message, details };
}

/** Zod issues in a client-friendly form: where and what. */
function issues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 10).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}
