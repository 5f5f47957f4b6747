import { z } from 'zod';
import { mountHead, PathPatternSchema } from './mount-fields';
import { ScenarioSelectionSchema } from './scenario-selection';

/**
 * An AG-UI agent on the official HTTP binding: POST a RunAgentInput to its path, get the run's events as SSE (or
 * protobuf when the Accept header asks for it). Approvals end the run with an interrupt answered by `resume`.
 */
export const AgentSchema = z.strictObject({
  ...mountHead,
  path: PathPatternSchema.describe('Where the agent answers POSTs (`/agent`, `/agentic_chat`).'),
  scenarios: ScenarioSelectionSchema,
});
export type Agent = z.infer<typeof AgentSchema>;
