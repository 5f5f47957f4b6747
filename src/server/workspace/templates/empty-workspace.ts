import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { WORKSPACE_VERSION, type WorkspaceInput } from '../../../shared/workspace';

/** A workspace with default settings and every section empty: what each template fills in. */
export function emptyWorkspace(name: string, description?: string): WorkspaceInput {
  return {
    version: WORKSPACE_VERSION,
    name,
    ...(description !== undefined && { description }),
    settings: { ...DEFAULT_SETTINGS },
    packs: [],
    routes: [],
    collections: [],
    staticFolders: [],
    sockets: [],
    agents: [],
    scenarios: [],
  };
}
