import { RunAgentInputSchema } from '@ag-ui/core/schemas';
import { parseClientRequest, type RunRequest } from '../agui/run-input';
import { RequestValidationError } from '../http/http-errors';
import { toValidationIssues } from '../http/validation';

/**
 * The run an HTTP request body asks for. Only the official RunAgentInput 1.0 is accepted here (AGORA's id-less
 * variant is a /ws dialect); anything else is a 422 whose `loc` points into the body, as FastAPI reports it.
 */
export function agentRunRequest(body: unknown): RunRequest {
  // parseClientRequest validates official input with RunAgentInputSchema itself: one schema pass per request.
  // A `type` field would make it read the body as a client event, which a RunAgentInput never is.
  const parsed = parseClientRequest(withoutType(body));
  if (parsed.kind === 'run' && parsed.request.shape === 'ag-ui') return parsed.request;
  const result = RunAgentInputSchema.safeParse(body);
  if (result.success && result.data.threadId === '') {
    // The schema allows it, but a run belongs to a thread, which needs a name: refused here, before any stream.
    throw new RequestValidationError([
      {
        type: 'string_too_short',
        loc: ['body', 'threadId'],
        msg: 'String should have at least 1 character',
        input: '',
      },
    ]);
  }
  throw new RequestValidationError(
    result.success
      ? [{ type: 'value_error', loc: ['body'], msg: 'Not a RunAgentInput', input: body ?? null }]
      : toValidationIssues(result.error.issues, body, 'body'),
  );
}

function withoutType(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || !('type' in body)) return body;
  const { type: _type, ...rest } = body as Record<string, unknown>;
  return rest;
}
