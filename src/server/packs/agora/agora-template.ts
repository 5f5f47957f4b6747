import { DEFAULT_SETTINGS } from '../../../shared/settings';
import type { WorkspaceInput } from '../../../shared/workspace';
import { agoraScenarioPack } from './scenarios/agora-scenario-pack';
import { agoraSeed } from './store/agora-seed';

/** The default workspace: AGORA's seed data and its four demo flows, default settings. */
export function agoraTemplate(now: number, name = 'AGORA mock'): WorkspaceInput {
  return {
    version: 1,
    name,
    profile: 'agora-mock',
    settings: { ...DEFAULT_SETTINGS },
    agora: agoraSeed(now),
    scenarios: structuredClone([...agoraScenarioPack]),
  };
}
