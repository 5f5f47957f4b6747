import type { AgoraData } from '../../../shared/agora-model';
import { DEFAULT_SETTINGS, ServerSettingsSchema } from '../../../shared/settings';
import type { WorkspaceV0, WorkspaceV1 } from '../../../shared/workspace';
import { agoraScenarioPack } from './scenarios/agora-scenario-pack';

/**
 * Workspace versions 0 and 1 only ever held AGORA's world. Version 0 (the Python mock's data) had the AGORA data at
 * the top level and the four flows built in: they become the scenario pack.
 */
export function agoraWorkspaceV0toV1(v0: WorkspaceV0, defaultName: string): unknown {
  const data: AgoraData = {
    users: v0.users,
    currentUserId: v0.currentUserId,
    userAliases: v0.userAliases,
    sessions: v0.sessions,
  };
  return {
    version: 1,
    name: v0.name ?? defaultName,
    profile: 'agora-mock',
    settings: { ...DEFAULT_SETTINGS },
    agora: data,
    scenarios: structuredClone([...agoraScenarioPack]),
  };
}

/**
 * Version 1 had one profile, agora-mock, with its data under `agora`, and the HTTP binding's path as a setting:
 * the data becomes the agora-mock pack (which brings `/ws`), the binding an agent mount at the same path.
 */
export function agoraWorkspaceV1toV2(v1: WorkspaceV1): unknown {
  const { agentPath, ...settings } = v1.settings;
  return {
    version: 2,
    name: v1.name,
    // Version 1 dropped settings it did not know (retired ones, misspelt ones) without a word; they still go.
    settings: Object.fromEntries(
      Object.entries(settings).filter(([key]) => Object.hasOwn(ServerSettingsSchema.shape, key)),
    ),
    packs: [{ pack: 'agora-mock', enabled: true, data: v1.agora }],
    routes: [],
    collections: [],
    staticFolders: [],
    sockets: [],
    agents: [{ id: 'agent', name: 'AG-UI agent', enabled: true, path: agentPath ?? '/agent', scenarios: '*' }],
    scenarios: v1.scenarios,
  };
}
