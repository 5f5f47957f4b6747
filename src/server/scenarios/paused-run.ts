import type { Interrupt } from '@ag-ui/core';
import type { JsonObject } from '../../shared/scenario';
import type { Op, ScenarioProgram } from './scenario-program';

/**
 * A run that ended at an approval step with `RUN_FINISHED {outcome: interrupt}` (AG-UI 1.0's human in the loop,
 * for transports where the producer cannot wait for a mid-run answer, such as HTTP/SSE). The next run whose
 * `resume` answers the interrupt continues from here.
 */
export interface PausedRun {
  /** The interrupt id (the approval's `approvalId`). */
  readonly approvalId: string;
  readonly program: ScenarioProgram;
  /** Id of the approval step, whose outputs (`approved`, `feedback`) the continuation may use. */
  readonly approvalStepId: string | undefined;
  readonly branches: { approved: readonly Op[]; rejected: readonly Op[]; timeout: readonly Op[] };
  /** What was left to play at each nesting level, outermost first, and the step each level closes. */
  readonly frames: readonly ContinuationFrame[];
  /** Steps open when the run paused; closed for RUN_FINISHED, opened again when the run resumes. */
  readonly reopenSteps: readonly string[];
  readonly vars: ReadonlyMap<string, string>;
  readonly steps: ReadonlyMap<string, Record<string, unknown>>;
  /** Unix ms after which an answer plays the `timeout` branch; undefined when it never expires. */
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

/** The answer a resuming run brings: AG-UI resume entries map `resolved` + `{approved}` and `cancelled` onto it. */
export type ResumeAnswer = { approved: boolean; feedback: string | null };

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

/** Reads an AG-UI resume payload: `{approved, feedback?}` when resolved; a cancelled interrupt is a rejection. */
export function resumeAnswer(status: 'resolved' | 'cancelled', payload: unknown): ResumeAnswer {
  const value = (payload && typeof payload === 'object' ? payload : {}) as { approved?: unknown; feedback?: unknown };
  return {
    approved: status === 'resolved' && value.approved === true,
    feedback: typeof value.feedback === 'string' ? value.feedback : null,
  };
}
