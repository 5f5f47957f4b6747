import type { Interrupt, ResumeEntry } from '@ag-ui/core';
import type { JsonObject } from '../../shared/scenario';
import type { RunRequest } from '../agui/run-input';
import { issueAt, RequestValidationError } from '../http/http-errors';
import { toPydanticIssues } from '../http/json-schema-issues';
import { JsonSchemas, type SchemaCheck, SchemaRecursionError } from '../routes/json-schemas';
import { UserRegexBudgetError } from '../support/user-regex';
import type { Op, ScenarioProgram } from './scenario-program';

/**
 * A run that ended with `RUN_FINISHED {outcome: interrupt}` (AG-UI 1.0's human in the loop): at an `interrupt`
 * step on any transport, or at an `approval` step where the producer cannot wait for a mid-run answer (HTTP/SSE).
 * The next run whose `resume` answers the interrupt continues from here.
 */
export interface PausedRun {
  readonly interruptId: string;
  /** What paused it: how the answer is read, and what the step outputs. */
  readonly kind: 'approval' | 'interrupt';
  readonly program: ScenarioProgram;
  /** Id of the step that paused, whose outputs (`approved`, `feedback`, `payload`…) the continuation may use. */
  readonly stepId: string | undefined;
  /** The branch for a positive answer, a negative one, and one that came too late. */
  readonly branches: {
    readonly accepted: readonly Op[];
    readonly declined: readonly Op[];
    readonly expired: readonly Op[];
  };
  /** What was left to play at each nesting level, outermost first, and the step each level closes. */
  readonly frames: readonly ContinuationFrame[];
  /** Steps open when the run paused; closed for RUN_FINISHED, opened again when the run resumes. */
  readonly reopenSteps: readonly string[];
  readonly vars: Readonly<Record<string, string>>;
  readonly steps: Readonly<Record<string, Record<string, unknown>>>;
  /** Unix ms after which an answer plays the expired branch; undefined when it never expires. */
  readonly expiresAt: number | undefined;
  /** The interrupt's `responseSchema`, compiled: what a resolved answer's payload must satisfy (none: anything). */
  readonly answerCheck: SchemaCheck | undefined;
}

export interface ContinuationFrame {
  readonly ops: readonly Op[];
  readonly closesStep: StepCloser | undefined;
}

export interface StepCloser {
  readonly name: string;
  readonly nameJson: string;
}

/** The answer a resuming run brings: its AG-UI resume entry for the interrupt. */
export type ResumeAnswer = { status: 'resolved' | 'cancelled'; payload: unknown };

/** What an approval's answer is, as its interrupt tells the client. */
const APPROVAL_RESPONSE_SCHEMA: JsonObject = {
  type: 'object',
  properties: { approved: { type: 'boolean' }, feedback: { type: ['string', 'null'] } },
  required: ['approved'],
};

let approvalCheck: SchemaCheck | undefined;

/** Checks an approval's answer; `APPROVAL_RESPONSE_SCHEMA` is compiled on the first answer, not at every start. */
export const checkApprovalAnswer: SchemaCheck = (payload) => {
  approvalCheck ??= new JsonSchemas().compile(APPROVAL_RESPONSE_SCHEMA, 'json');
  return approvalCheck(payload);
};

/** The interrupt that stands for an approval request in RUN_FINISHED. */
export function approvalInterrupt(approvalId: string, request: JsonObject, expiresAt: number | undefined): Interrupt {
  const { toolDescription, ...details } = request;
  return {
    id: approvalId,
    reason: 'tool_approval',
    ...(typeof toolDescription === 'string' && { message: toolDescription }),
    responseSchema: APPROVAL_RESPONSE_SCHEMA,
    ...(expiresAt !== undefined && { expiresAt: new Date(expiresAt).toISOString() }),
    metadata: details,
  };
}

/** A `resume` entry that names an interrupt other than the pending one, and how to say so. */
export interface StrayResume {
  readonly interruptId: string;
  readonly pendingInterruptId: string | null;
  readonly message: string;
}

/**
 * Why `request`'s `resume` cannot continue anything: an entry (resolved or cancelled) names an interrupt that is not
 * `pending` (none is, or another one is). Undefined without `resume`, or when each entry names the pending one.
 * Every transport refuses it before any run starts, leaving a paused run paused: a run started instead would drop
 * that interrupt and hide the client's mistake (409 over HTTP, `interrupt_not_pending` on a socket).
 */
export function strayResume(
  pending: string | null,
  request: Pick<RunRequest, 'threadId' | 'resume'>,
): StrayResume | undefined {
  const stray = request.resume.find((entry) => entry.interruptId !== pending);
  if (!stray) return undefined;
  const thread = JSON.stringify(request.threadId);
  const message = pending
    ? `Interrupt ${JSON.stringify(stray.interruptId)} is not pending on thread ${thread}; the pending interrupt is ${JSON.stringify(pending)}`
    : `Nothing to resume on thread ${thread}: no interrupt is pending (it was answered, superseded by another run, or the thread expired)`;
  return { interruptId: stray.interruptId, pendingInterruptId: pending, message };
}

/**
 * Why `resume` cannot continue `paused`: the payload of its `resolved` entry for the interrupt does not satisfy the
 * interrupt's `responseSchema`, as FastAPI reports it, each problem located in the RunAgentInput
 * (`["body", "resume", 0, "payload", "approved"]`). Undefined when it does (its defaults are then filled in), or when
 * `resume` does not answer the interrupt, or cancels it (a cancelled answer carries no payload to check).
 */
export function answerRefusal(paused: PausedRun, resume: readonly ResumeEntry[]): RequestValidationError | undefined {
  if (!paused.answerCheck) return undefined;
  // The entry that answers the interrupt: OfficialRunInputSchema refuses a second one.
  const index = resume.findIndex((entry) => entry.interruptId === paused.interruptId);
  const entry = resume[index];
  if (entry?.status !== 'resolved') return undefined;
  const at = ['body', 'resume', index, 'payload'];
  // Left out, it is checked as what the Python SDK's default (`None`) gives a real agent: null.
  const payload = entry.payload === undefined ? null : entry.payload;
  let errors: ReturnType<SchemaCheck>;
  try {
    errors = paused.answerCheck(payload);
  } catch (error) {
    if (!(error instanceof SchemaRecursionError || error instanceof UserRegexBudgetError)) throw error;
    // The schema runs without end on this payload, or its patterns would take too long: refused as a route's body
    // is, saying what to fix.
    return new RequestValidationError([
      { type: 'value_error', loc: at, msg: `Value error, ${error.message}`, input: null },
    ]);
  }
  if (!errors) return undefined;
  return new RequestValidationError(toPydanticIssues(errors, payload, 'body').map((issue) => issueAt(at, issue)));
}

/** An approval's answer in a resume entry: `{approved, feedback?}` when resolved; a cancelled one is a rejection. */
export function approvalAnswer(answer: ResumeAnswer): { approved: boolean; feedback: string | null } {
  const payload = answer.payload;
  const value = (payload && typeof payload === 'object' ? payload : {}) as { approved?: unknown; feedback?: unknown };
  return {
    approved: answer.status === 'resolved' && value.approved === true,
    feedback: typeof value.feedback === 'string' ? value.feedback : null,
  };
}
