import type { z } from 'zod';
import { isJsonObject } from '../../shared/json-value';
import { OfficialRunInputSchema, parseClientRequest, plainRunInputWords, type RunRequest } from '../agui/run-input';
import {
  ID_NOT_IN_URLS,
  type LimitIssue,
  MAX_ID_LENGTH,
  MAX_RUN_MESSAGES,
  runInputLimitIssues,
  tooManyItemsMessage,
} from '../agui/run-input-limits';
import { RequestValidationError, type ValidationIssue } from '../http/http-errors';
import { runInputIssues } from './run-input-issues';

/**
 * The run an HTTP request body asks for. Only the official RunAgentInput 1.0 is accepted here (AGORA's id-less
 * variant is a /ws dialect); anything else is a 422 whose `loc` points into the body, as FastAPI reports it.
 */
export function agentRunRequest(body: unknown): RunRequest {
  // Ids too long, too many messages: refused before the schema copies anything.
  if (isJsonObject(body)) {
    const found = runInputLimitIssues(body);
    if (found.length > 0) throw new RequestValidationError(found.map(limitIssue));
  }
  // parseClientRequest validates official input with OfficialRunInputSchema itself: one schema pass per request.
  // A `type` field would make it read the body as a client event, which a RunAgentInput never is.
  const parsed = parseClientRequest(withoutType(body), { agora: false });
  if (parsed.kind === 'run' && parsed.request.shape === 'ag-ui') return parsed.request;
  // Refused: read again for what to say, every problem at once (an empty threadId among them), as pydantic says it.
  const result = OfficialRunInputSchema.safeParse(body);
  throw new RequestValidationError(
    result.success
      ? [{ type: 'value_error', loc: ['body'], msg: 'Not a RunAgentInput', input: body ?? null }]
      : runInputIssues(
          result.error.issues.map((issue) => inPlainWords(issue, body)),
          body,
        ),
  );
}

/** An issue zod words as just "Invalid input" (a resume's null payload), as a pydantic validator words its fix. */
function inPlainWords(issue: z.core.$ZodIssue, body: unknown): z.core.$ZodIssue {
  const words = plainRunInputWords(issue, body);
  return words === undefined ? issue : { ...issue, message: `Value error, ${words}` };
}

function withoutType(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || !('type' in body)) return body;
  const { type: _type, ...rest } = body as Record<string, unknown>;
  return rest;
}

/** A limit as pydantic reports a `max_length` constraint. */
function limitIssue(issue: LimitIssue): ValidationIssue {
  const loc = ['body', ...issue.path];
  if (issue.kind === 'too_many_items') {
    return { type: 'too_long', loc, msg: `List ${tooManyItemsMessage(issue.length)}`, input: issue.input };
  }
  if (issue.kind === 'too_many_messages') {
    return {
      type: 'too_long',
      loc,
      msg: `List should have at most ${MAX_RUN_MESSAGES} items after validation, not ${issue.length}`,
      input: issue.input,
      ctx: { field_type: 'List', max_length: MAX_RUN_MESSAGES, actual_length: issue.length },
    };
  }
  if (issue.kind === 'id_not_in_urls') {
    // Echoed as JSON can write it, as a collection echoes such an id.
    return {
      type: 'string_unicode',
      loc,
      msg: `Input should be a valid string: it ${ID_NOT_IN_URLS}`,
      input: issue.input.replaceAll(/\p{Cs}/gu, '\uFFFD'),
    };
  }
  return {
    type: 'string_too_long',
    loc,
    msg: `String should have at most ${MAX_ID_LENGTH} characters`,
    input: issue.input,
    ctx: { max_length: MAX_ID_LENGTH },
  };
}
