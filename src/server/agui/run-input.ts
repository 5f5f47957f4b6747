import { randomUUID } from 'node:crypto';
import { type Message, PROTOCOL_VERSION, type ResumeEntry, type RunStartedEvent } from '@ag-ui/core';
import { RunAgentInputSchema } from '@ag-ui/core/schemas';
import { z } from 'zod';
import { isJsonObject } from '../../shared/json-value';
import { valueAt } from '../http/validation';
import { type AgoraErrorCode, AgoraEventName, runStarted } from './events';
import { limitIssueMessage, MAX_ID_LENGTH, MAX_REPORTED_ISSUES, runInputLimitIssues } from './run-input-limits';

/**
 * A run request, whichever shape the client sent: AGORA's variant (no ids, snake_case ids, `context` as an
 * object, a `userId`) or the official AG-UI 1.0 RunAgentInput.
 */
export interface RunRequest {
  threadId: string;
  runId: string;
  userId: string | null;
  /** Every message with an id (`msg-<runId>-<index>` where the client sent none). */
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
  /**
   * Set on a run the console started (`consoleRunRequest`): its messages are the client's last request's, which the
   * client did not send again.
   */
  fromConsole?: true;
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

const ApprovalResponseSchema = z.object({
  type: z.literal('CUSTOM'),
  name: z.literal(AgoraEventName.approvalResponse),
  value: z.object({
    approvalId: z.string().min(1).max(MAX_ID_LENGTH),
    approved: z.boolean(),
    feedback: z.string().nullish(),
  }),
});

export interface ParseOptions {
  /**
   * The value was parsed for this call alone (a socket frame): AGORA-format messages are completed in place (an id,
   * `content: ''`) rather than copied. Off by default: a caller's value is left as it was.
   */
  owned?: boolean;
  /** AGORA's RunAgentInput variant is accepted (default); the HTTP binding takes the official shape only. */
  agora?: boolean;
}

/** Sorts a parsed client frame into a run request, an approval answer, or a refusal that says why. */
export function parseClientRequest(value: unknown, options: ParseOptions = {}): ClientRequest {
  const kind = clientMessageKind(value);
  if (kind !== 'run') return kind === 'approval' ? parseApproval(value) : kind;
  return parseRunInput(value as Record<string, unknown>, options);
}

/**
 * What a client frame is, read from its top level only: a run request (not checked yet), an approval answer, or a
 * refusal. Lets a caller refuse a run request (a full queue) before paying for its checks.
 */
export function clientMessageKind(value: unknown): 'run' | 'approval' | Extract<ClientRequest, { kind: 'refused' }> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return refused('unknown_message', 'Expected a JSON object: a RunAgentInput or an agora:tool_approval_response');
  }
  const record = value as Record<string, unknown>;
  if (record.type === 'CUSTOM') {
    if (record.name !== AgoraEventName.approvalResponse) {
      return refused('unknown_message', `Unsupported CUSTOM event ${JSON.stringify(record.name)}`);
    }
    return 'approval';
  }
  if (record.type !== undefined) {
    return refused('unknown_message', `Unsupported message type ${JSON.stringify(record.type)}`);
  }
  if (!('messages' in record)) {
    return refused('unknown_message', 'Expected a RunAgentInput (with messages) or an agora:tool_approval_response');
  }
  return 'run';
}

/**
 * Why a run request (a record `clientMessageKind` calls `run`) would be refused, without building it (nothing is
 * copied or completed); undefined when `parseClientRequest` will accept it.
 */
export function runInputRefusal(
  record: Record<string, unknown>,
  options: Pick<ParseOptions, 'agora'> = {},
): Extract<ClientRequest, { kind: 'refused' }> | undefined {
  const checked = checkRunInput(record, options);
  return 'kind' in checked ? checked : undefined;
}

/**
 * The official RunAgentInput with a threadId that is not empty: AG-UI 1.0's schema lets `""` through, but a run
 * belongs to a thread, which needs a name. Checked in the same pass as the rest, so a refusal lists it with every
 * other problem, in the schema's field order (threadId first). Each interrupt is answered once in `resume` (checked
 * once every field is valid, as a pydantic model validator is).
 */
export const OfficialRunInputSchema = RunAgentInputSchema.extend({ threadId: z.string().min(1) }).superRefine(
  (input, ctx) => {
    for (const issue of resumeAnsweredTwice(input.resume ?? [])) ctx.addIssue(issue);
  },
);

/**
 * A `resume` entry for an interrupt an earlier entry already answers: only one could be played, and the others would
 * go unchecked, so the client's conflicting answers are refused at each later entry's `interruptId`.
 */
function resumeAnsweredTwice(resume: readonly { interruptId: string }[]): z.core.$ZodRawIssue[] {
  const found: z.core.$ZodRawIssue[] = [];
  const first = new Map<string, number>();
  for (const [index, { interruptId }] of resume.entries()) {
    const earlier = first.get(interruptId);
    if (earlier === undefined) first.set(interruptId, index);
    else if (found.length < MAX_REPORTED_ISSUES) {
      found.push({
        code: 'custom',
        path: ['resume', index, 'interruptId'],
        input: interruptId,
        params: { type: 'value_error' },
        message: `interrupt ${JSON.stringify(interruptId)} is answered twice (resume entries ${earlier} and ${index}): send one entry per interrupt`,
      });
    }
  }
  return found;
}

type OfficialInput = z.output<typeof OfficialRunInputSchema>;

/**
 * A run request checked in order, limits first (past them nothing is validated or copied): the official input
 * zod parsed, or `{}` for AGORA's variant (checked by hand), or the refusal.
 */
function checkRunInput(
  record: Record<string, unknown>,
  options: Pick<ParseOptions, 'agora'>,
): { official?: OfficialInput } | Extract<ClientRequest, { kind: 'refused' }> {
  const limits = limitRefusal(record);
  if (limits) return limits;
  // A `resume` is official-only: AGORA's variant answers approvals with a CUSTOM event and would ignore it, starting
  // afresh and dropping the interrupt it answers. It takes every other field (`runId`, `tools`, `state`, `context`
  // as an object, …), so none of those decides it: HAI's requests are read as they always were.
  const officialOnly = Object.hasOwn(record, 'resume');
  // Only input that looks official is checked against the official schema: a failed zod parse is costly,
  // and AGORA's variant (no runId, messages without ids) is the common case on /ws.
  if (officialOnly || looksOfficial(record)) {
    const official = OfficialRunInputSchema.safeParse(record);
    if (official.success) return { official: official.data };
    if (officialOnly) {
      const details = officialIssues(official.error, record);
      // Refused by this schema's own check alone: the input is the official one, and only what that check says is wrong.
      const message = official.error.issues.every(isOwnCheck)
        ? `Invalid RunAgentInput: ${details[0]?.message}`
        : OFFICIAL_ONLY;
      return refused('invalid_run_input', message, details);
    }
    // Else read as AGORA's variant below, whose check refuses an empty threadId too.
  }
  if (options.agora === false) return refused('invalid_run_input', 'Not an official RunAgentInput');
  // AGORA's variant is checked by hand rather than with zod: a schema pass copies every message (and a failed one
  // is slow), where this reads each message once and copies nothing.
  const problems = agoraIssues(record);
  return problems.length > 0 ? refused('invalid_run_input', 'Invalid RunAgentInput', problems) : {};
}

function parseApproval(value: unknown): ClientRequest {
  const parsed = ApprovalResponseSchema.safeParse(value);
  if (!parsed.success) {
    return refused('invalid_approval_response', 'Invalid agora:tool_approval_response', issues(parsed.error));
  }
  const { approvalId, approved, feedback } = parsed.data.value;
  return { kind: 'approval', answer: { approvalId, approved, feedback: feedback ?? null } };
}

function parseRunInput(record: Record<string, unknown>, options: ParseOptions): ClientRequest {
  const checked = checkRunInput(record, options);
  if ('kind' in checked) return checked;
  if (checked.official) {
    const input = checked.official;
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
  const threadId = stringField(record, 'threadId', 'thread_id') ?? randomUUID();
  const runId = stringField(record, 'runId', 'run_id') ?? randomUUID();
  const messages = agoraMessages(record.messages as Record<string, unknown>[], runId, options.owned === true);
  return {
    kind: 'run',
    request: {
      threadId,
      runId,
      userId: stringField(record, 'userId', 'user_id'),
      messages,
      lastUserMessage: lastUserText(messages),
      state: record.state,
      resume: [],
      shape: 'agora',
      input: { ...record, threadId, runId, messages },
    },
  };
}

function limitRefusal(record: Record<string, unknown>): Extract<ClientRequest, { kind: 'refused' }> | undefined {
  const found = runInputLimitIssues(record);
  const first = found[0];
  if (!first) return undefined;
  const details = found.map((issue) => ({ path: issue.path.join('.'), message: limitIssueMessage(issue) }));
  return refused(
    'invalid_run_input',
    `Invalid RunAgentInput: ${details[0]?.path} ${limitIssueMessage(first)}`,
    details,
  );
}

/** Why a run request with `resume` that the official schema refuses is not read as AGORA's variant instead. */
const OFFICIAL_ONLY =
  "Invalid RunAgentInput: one that carries resume must be the official AG-UI RunAgentInput (AGORA's variant has no resume)";

/** An issue of this schema's own check (`resumeAnsweredTwice`), worded as a pydantic validator words its own. */
function isOwnCheck(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' && issue.params?.type === 'value_error';
}

/** What to say of a `resume` entry's `"payload": null`, which the official schema refuses as just "Invalid input". */
const NULL_PAYLOAD = 'payload may be left out but not null: omit it for no payload';

/**
 * Words for `issue` (of the official schema, on `input`) where zod's say nothing useful, or this schema's own check's;
 * undefined elsewhere. The official schema refuses `null` in its optional any-value fields (`forwardedProps`, a tool's
 * `parameters`, a resume's `payload`, `metadata` of a content part…) with a bare "Invalid input": say which and how to
 * fix it.
 */
export function plainRunInputWords(issue: z.core.$ZodIssue, input: unknown): string | undefined {
  if (issue.code !== 'custom' || issue.path.length === 0) return undefined;
  if (isOwnCheck(issue)) return issue.message;
  if (valueAt(input, issue.path as (string | number)[]) !== null) return undefined;
  const [field, , key] = issue.path;
  if (issue.path.length === 3 && field === 'resume' && key === 'payload') return NULL_PAYLOAD;
  return `${String(issue.path.at(-1))} may be left out but not null: omit it`;
}

function looksOfficial(record: Record<string, unknown>): boolean {
  return (
    typeof record.threadId === 'string' &&
    typeof record.runId === 'string' &&
    Array.isArray(record.messages) &&
    record.messages.every((message) => typeof (message as { id?: unknown } | null)?.id === 'string')
  );
}

const ROLES: ReadonlySet<unknown> = new Set(['user', 'assistant', 'system', 'developer', 'tool']);
const AGORA_IDS = ['threadId', 'thread_id', 'runId', 'run_id', 'userId', 'user_id'] as const;

/**
 * AGORA's RunAgentInput: `threadId` or `thread_id` etc. (non-empty strings when present), `messages` a list of
 * objects with a known `role`, a string or list `content` (or none), ids strings when present; any other field.
 * Its problems, at most 10, as zod would word them.
 */
function agoraIssues(record: Record<string, unknown>): Issue[] {
  const found: Issue[] = [];
  const add = (path: string, message: string) => {
    if (found.length < MAX_REPORTED_ISSUES) found.push({ path, message });
  };
  const optionalString = (value: unknown, path: string, nonEmpty: boolean) => {
    if (value === undefined) return;
    if (typeof value !== 'string') add(path, `Invalid input: expected string, received ${typeName(value)}`);
    else if (nonEmpty && value === '') add(path, 'Too small: expected string to have >=1 characters');
  };
  for (const key of AGORA_IDS) optionalString(record[key], key, true);
  const messages = record.messages;
  if (!Array.isArray(messages)) {
    add('messages', `Invalid input: expected array, received ${typeName(messages)}`);
    return found;
  }
  for (let i = 0; i < messages.length && found.length < MAX_REPORTED_ISSUES; i++) {
    const message: unknown = messages[i];
    if (!isJsonObject(message)) {
      add(`messages.${i}`, `Invalid input: expected object, received ${typeName(message)}`);
      continue;
    }
    const { id, role, content, toolCallId, tool_call_id } = message as Record<string, unknown>;
    optionalString(id, `messages.${i}.id`, true);
    if (!ROLES.has(role)) {
      add(`messages.${i}.role`, 'Invalid option: expected one of "user"|"assistant"|"system"|"developer"|"tool"');
    }
    if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content)) {
      add(
        `messages.${i}.content`,
        `Invalid input: expected a string or a list of content parts, received ${typeName(content)}`,
      );
    }
    optionalString(toolCallId, `messages.${i}.toolCallId`, false);
    optionalString(tool_call_id, `messages.${i}.tool_call_id`, false);
  }
  return found;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * AGORA's messages as AG-UI messages: each with an id (`msg-<runId>-<index>` where the client sent none: unique in
 * the thread, and cheap), `content` (`''` for none), a tool message's `toolCallId` (from `tool_call_id`). Completed
 * in place when `owned` (the frame's parsed value is the run's), else copied once.
 */
function agoraMessages(source: Record<string, unknown>[], runId: string, owned: boolean): Message[] {
  const prefix = `msg-${runId}-`;
  const messages: Record<string, unknown>[] = owned ? source : new Array(source.length);
  for (let i = 0; i < source.length; i++) {
    const message = source[i] as Record<string, unknown>;
    const { id, content, tool_call_id } = message;
    const target = owned ? message : { ...message };
    if (id === undefined) target.id = `${prefix}${i}`;
    if (content === undefined || content === null) target.content = '';
    if (message.role === 'tool') target.toolCallId = message.toolCallId ?? tool_call_id ?? '';
    if ('tool_call_id' in target) delete target.tool_call_id;
    messages[i] = target;
  }
  return messages as unknown as Message[];
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

function refused(
  errorCode: AgoraErrorCode,
  message: string,
  details?: unknown,
): Extract<ClientRequest, { kind: 'refused' }> {
  return details === undefined
    ? { kind: 'refused', errorCode, message }
    : { kind: 'refused', errorCode, message, details };
}

interface Issue {
  path: string;
  message: string;
}

/** Zod issues in a client-friendly form: where and what. */
function issues(error: z.ZodError): Issue[] {
  return error.issues
    .slice(0, MAX_REPORTED_ISSUES)
    .map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

/** The official schema's issues as `issues` gives them, in plain words where zod's say nothing useful. */
function officialIssues(error: z.ZodError, record: Record<string, unknown>): Issue[] {
  return error.issues
    .slice(0, MAX_REPORTED_ISSUES)
    .map((issue) => ({ path: issue.path.join('.'), message: plainRunInputWords(issue, record) ?? issue.message }));
}
