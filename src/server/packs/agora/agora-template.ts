import { DEFAULT_SETTINGS } from '../../../shared/settings';
import type { WorkspaceInput } from '../../../shared/workspace';
import { agoraScenarioPack } from './scenarios/agora-scenario-pack';
import { agoraSeed } from './store/agora-seed';

/**
 * AGORA's HAI backend as it always was: the agora-mock pack (REST and `/ws`) with its seed, the four demo flows as
 * scenarios, and the same flows on the official HTTP binding at `/agent`.
 */
export function agoraTemplate(now: number, name = 'AGORA mock'): WorkspaceInput {
  return {
    version: 2,
    name,
    settings: { ...DEFAULT_SETTINGS },
    packs: [{ pack: 'agora-mock', data: agoraSeed(now) }],
    routes: [],
    collections: [],
    staticFolders: [],
    sockets: [],
    agents: [{ id: 'agent', name: 'AG-UI agent', path: '/agent', scenarios: '*' }],
    scenarios: structuredClone([...agoraScenarioPack]),
  };
}
