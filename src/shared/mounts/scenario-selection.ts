import { z } from 'zod';
import { MountIdSchema } from './mount-fields';

/** Which of the workspace's scenarios an AG-UI endpoint plays: all, or the listed ones (their triggers choose). */
export const ScenarioSelectionSchema = z
  .union([
    z.literal('*'),
    z.array(MountIdSchema).min(1, 'list at least one scenario id, or "*" for every scenario').max(1000),
  ])
  .default('*')
  .describe("Scenarios this endpoint plays: '*' for every scenario, or a list of scenario ids.");
export type ScenarioSelection = z.infer<typeof ScenarioSelectionSchema>;
