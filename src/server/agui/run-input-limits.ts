import { isJsonObject } from '../../shared/json-value';

/**
 * Limits on a RunAgentInput, whichever shape and transport it came in (AGORA's `/ws`, the HTTP binding). Checked
 * before the input is validated or copied, so input past them costs one pass over the messages, and ids the engine
 * keeps (threads it remembers, sessions, the console's connection list) stay small.
 */

/**
 * Characters an id may have: threadId, runId, parentRunId, userId, a message's id and toolCallId, a tool call's id,
 * a resume entry's interruptId, an approval answer's approvalId. AG-UI ids are UUIDs (36) or short names.
 */
export const MAX_ID_LENGTH = 256;

/** Messages one RunAgentInput may carry: far more than any real chat history sends in one request. */
export const MAX_RUN_MESSAGES = 10_000;

/**
 * Items the input's other lists may hold together: tools, context, resume, and every message's content parts and
 * tool calls. A schema reports each bad item, and a megabyte of `[1,1,…]` would be half a million reports.
 */
export const MAX_RUN_LIST_ITEMS = 10_000;

/** One input past a limit: where (a path into the input) and which limit. */
export type LimitIssue =
  | { kind: 'id_too_long'; path: (string | number)[]; length: number; input: string }
  | { kind: 'id_not_in_urls'; path: (string | number)[]; input: string }
  | { kind: 'too_many_messages'; path: ['messages']; length: number; input: unknown[] }
  | { kind: 'too_many_items'; path: (string | number)[]; length: number; input: unknown[] };

/** Issues a refused run request reports at most, whatever found them (these limits, its schema). */
export const MAX_REPORTED_ISSUES = 10;

const TOP_LEVEL_IDS = ['threadId', 'thread_id', 'runId', 'run_id', 'parentRunId', 'userId', 'user_id'] as const;
const MESSAGE_IDS = ['id', 'toolCallId', 'tool_call_id'] as const;
const USER_IDS = ['userId', 'user_id'] as const;
/**
 * Ids the REST API is asked about by URL: a thread is a session (`/sessions/<threadId>`), a user's sessions are
 * listed by `?user_id=`. A lone surrogate (half of a UTF-16 pair) no URL can carry: such a session could be
 * listed but never opened or deleted.
 */
const URL_IDS: ReadonlySet<string> = new Set(['threadId', 'thread_id', 'userId', 'user_id']);
/** In a `u` regexp a pair is one code point: only a surrogate on its own is one of these. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * What of `record` (a RunAgentInput in either shape) is past the limits; empty when nothing is. Fields of another
 * type than expected are left to the schema. Two passes over the messages at most, none when there are too many.
 */
export function runInputLimitIssues(record: Record<string, unknown>): LimitIssue[] {
  const messages = record.messages;
  if (Array.isArray(messages) && messages.length > MAX_RUN_MESSAGES) {
    return [{ kind: 'too_many_messages', path: ['messages'], length: messages.length, input: messages }];
  }
  const crowded = crowdedList(record);
  if (crowded) return [crowded];
  // Every request passes here: a path is made only for an id that is too long.
  const found: LimitIssue[] = [];
  const add = (value: string, path: (string | number)[]) => {
    if (found.length < MAX_REPORTED_ISSUES)
      found.push({ kind: 'id_too_long', path, length: value.length, input: value });
  };
  const addUnreachable = (value: unknown, path: (string | number)[]) => {
    if (found.length < MAX_REPORTED_ISSUES && typeof value === 'string' && LONE_SURROGATE.test(value))
      found.push({ kind: 'id_not_in_urls', path, input: value });
  };
  for (const key of TOP_LEVEL_IDS) {
    const long = longId(record[key]);
    if (long !== undefined) add(long, [key]);
    else if (URL_IDS.has(key)) addUnreachable(record[key], [key]);
  }
  const forwarded = record.forwardedProps;
  if (isJsonObject(forwarded)) {
    for (const key of USER_IDS) {
      const long = longId(forwarded[key]);
      if (long !== undefined) add(long, ['forwardedProps', key]);
      else addUnreachable(forwarded[key], ['forwardedProps', key]);
    }
  }
  if (Array.isArray(messages)) {
    for (let i = 0; i < messages.length && found.length < MAX_REPORTED_ISSUES; i++) {
      const message: unknown = messages[i];
      if (!isJsonObject(message)) continue;
      for (const key of MESSAGE_IDS) {
        const long = longId(message[key]);
        if (long !== undefined) add(long, ['messages', i, key]);
      }
      const calls = message.toolCalls;
      if (!Array.isArray(calls)) continue;
      for (let j = 0; j < calls.length; j++) {
        const call: unknown = calls[j];
        const long = isJsonObject(call) ? longId(call.id) : undefined;
        if (long !== undefined) add(long, ['messages', i, 'toolCalls', j, 'id']);
      }
    }
  }
  const resume = record.resume;
  if (Array.isArray(resume)) {
    for (let i = 0; i < resume.length; i++) {
      const entry: unknown = resume[i];
      const long = isJsonObject(entry) ? longId(entry.interruptId) : undefined;
      if (long !== undefined) add(long, ['resume', i, 'interruptId']);
    }
  }
  return found;
}

/** `value` when it is an id past `MAX_ID_LENGTH`. */
function longId(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > MAX_ID_LENGTH ? value : undefined;
}

/** The list at which the items of `MAX_RUN_LIST_ITEMS`' lists, counted in order, pass it; undefined when none does. */
function crowdedList(record: Record<string, unknown>): LimitIssue | undefined {
  let total = 0;
  /** `list` when it is the one at which the count passes the limit. */
  const crowded = (list: unknown): unknown[] | undefined => {
    if (!Array.isArray(list)) return undefined;
    total += list.length;
    return total > MAX_RUN_LIST_ITEMS ? list : undefined;
  };
  const issue = (list: unknown[], path: (string | number)[]): LimitIssue => ({
    kind: 'too_many_items',
    path,
    length: list.length,
    input: list,
  });
  for (const key of ['tools', 'context', 'resume'] as const) {
    const list = crowded(record[key]);
    if (list) return issue(list, [key]);
  }
  const messages = record.messages;
  if (!Array.isArray(messages)) return undefined;
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    if (!isJsonObject(message)) continue;
    const content = crowded(message.content);
    if (content) return issue(content, ['messages', i, 'content']);
    const calls = crowded(message.toolCalls);
    if (calls) return issue(calls, ['messages', i, 'toolCalls']);
  }
  return undefined;
}

/** The issue in words, for AGORA's `agora:error` (its path is in the details). */
export function limitIssueMessage(issue: LimitIssue): string {
  if (issue.kind === 'too_many_messages')
    return `has ${issue.length} messages; at most ${MAX_RUN_MESSAGES} are accepted in one RunAgentInput`;
  if (issue.kind === 'too_many_items') return tooManyItemsMessage(issue.length);
  if (issue.kind === 'id_not_in_urls') return ID_NOT_IN_URLS;
  return `has ${issue.length} characters; ids of at most ${MAX_ID_LENGTH} characters are accepted`;
}

/** What an id with a lone surrogate is told, on either transport. */
export const ID_NOT_IN_URLS =
  'holds a lone surrogate (half of a UTF-16 pair), which no URL can carry: its session could never be opened or deleted through the REST API; send well-formed text';

/** What a list past `MAX_RUN_LIST_ITEMS` is told, on either transport. */
export function tooManyItemsMessage(length: number): string {
  return `has ${length} items, which takes the input's tools, context, resume entries, content parts and tool calls past ${MAX_RUN_LIST_ITEMS} together; send fewer`;
}
