import type { Interrupt } from '@ag-ui/core';
import type { JsonObject } from '../../shared/scenario';
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

/** The interrupt that stands for an approval request in RUN_FINISHED. */
export function approvalInterrupt(approvalId: string, request: JsonObject, expiresAt: number | undefined): Interrupt {
  const { toolDescription, ...details } = request;
  return {
    id: approvalId,
    reason: 'tool_approval',
    ...(typeof toolDescription === 'string' && { message: toolDescription }),
    responseSchema: {
      type: 'object',
      properties: { approved: { type: 'boolean' }, feedback: { type: ['string', 'null'] } },
      required: ['approved'],
    },
    ...(expiresAt !== undefined && { expiresAt: new Date(expiresAt).toISOString() }),
    metadata: details,
  };
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
