import type { ScenarioInput } from '../../../../shared/scenario';
import { findingRegulations } from './finding-regulations';
import { generalWelcome } from './general-welcome';
import { inspectionStart } from './inspection-start';
import { reportApproval } from './report-approval';

/**
 * AGORA's four demo flows, in routing order: on equal priority the first listed wins, so "inspectie bij" beats
 * "rapport" as in AGORA's mock; the general agent answers whatever nothing else does.
 */
export const agoraScenarioPack: readonly ScenarioInput[] = [
  inspectionStart,
  findingRegulations,
  reportApproval,
  generalWelcome,
];
