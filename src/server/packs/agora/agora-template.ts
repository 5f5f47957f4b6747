import type { WorkspaceInput } from '../../../shared/workspace';
import { emptyWorkspace } from '../../workspace/templates/empty-workspace';
import { REAL_PREFERENCE_DEFAULTS } from './rest/real-server-routes';
import { agoraScenarioPack } from './scenarios/agora-scenario-pack';
import { agoraSeed } from './store/agora-seed';

/**
 * AGORA's HAI backend as it always was: the agora-mock pack (REST and `/ws`) with its seed, the four demo flows as
 * scenarios, and the same flows on the official HTTP binding at `/agent`.
 */
export function agoraTemplate(now: number, name = 'AGORA mock'): WorkspaceInput {
  return {
    ...emptyWorkspace(name),
    packs: [{ pack: 'agora-mock', data: agoraSeed(now) }],
    agents: [{ id: 'agent', name: 'AG-UI agent', path: '/agent', scenarios: '*' }],
    scenarios: structuredClone([...agoraScenarioPack]),
  };
}

/**
 * AGORA's HAI backend as its real servers serve it: the same world on the agora-real pack, whose seed users carry
 * the real servers' `role` and their two extra preferences.
 */
export function agoraRealTemplate(now: number, name = 'AGORA (real servers)'): WorkspaceInput {
  const workspace = agoraTemplate(now, name);
  const seed = agoraSeed(now);
  const data = {
    ...seed,
    users: seed.users.map((user) => ({
      ...user,
      role: 'inspector' as const,
      preferences: { ...user.preferences, ...REAL_PREFERENCE_DEFAULTS },
    })),
  };
  return { ...workspace, packs: [{ pack: 'agora-real', data }] };
}
