import { z } from 'zod';
import { type Scenario, ScenarioSchema, type ScenarioTrigger, ScenarioTriggerSchema } from './scenario';

/**
 * `POST /connections/:id/record`: a connection's first run as a new scenario. It takes part in routing only when
 * asked (`activate`): an inactive recording has no triggers, so it changes no answer the mock gives.
 */
export const RecordScenarioRequestSchema = z
  .strictObject({
    /** Scenario name; default from the recorded user message. */
    name: z.string().trim().min(1).max(200).optional(),
    /** Scenario id; default `recorded-<connection id>`. */
    id: ScenarioSchema.shape.id.optional(),
    /** Give it a trigger so it answers messages; default false. */
    activate: z.boolean().default(false),
    /**
     * The trigger when activated; default the recorded user message (substring, priority 10, or one above the
     * scenario answering that message where it was recorded, when that one's is higher).
     */
    trigger: ScenarioTriggerSchema.optional(),
  })
  .refine((input) => input.activate || input.trigger === undefined, {
    path: ['trigger'],
    message: 'a trigger is only used with "activate": true (an inactive recording has no triggers)',
  });
export type RecordScenarioRequest = z.input<typeof RecordScenarioRequestSchema>;

/** What a recording of the connection would hold (`GET /connections/:id/record`), to ask about it first. */
export interface RecordingPreview {
  /** The id the scenario gets unless another is given. */
  id: string;
  name: string;
  userMessage: string;
  /** The trigger an activated recording gets unless another is given. */
  suggestedTrigger: ScenarioTrigger;
  events: number;
  /** `setContext` steps the run played, kept in the recording. */
  contextSteps: number;
  durationMs: number;
  laterRuns: number;
  /** What the replay cannot send as the run did (a context write too large, an interrupt's empty branches, …). */
  warnings: string[];
  /**
   * The scenario answering the recorded message where it was recorded now, with its trigger's priority: what an
   * activated recording's trigger must beat (the suggested one does). Null when no scenario answers it there.
   */
  answeredBy: { scenarioId: string; priority: number } | null;
  /**
   * The endpoint or agent the connection came in through (in words) when it plays only the scenarios it lists:
   * activated, the recording answers nothing there until it is added to that list. Null otherwise.
   */
  playsListedOnly: string | null;
}

/** The answer to `POST /connections/:id/record` (201). */
export interface RecordingResult {
  scenario: Scenario;
  /** Whether it has a trigger (takes part in routing). */
  active: boolean;
  events: number;
  contextSteps: number;
  durationMs: number;
  laterRuns: number;
  warnings: string[];
}
