import type { Workspace } from '../../shared/workspace';

/**
 * The document as the file writes it: its keys in the file's order, optional ones left out when unset. A module of
 * its own, importing nothing of the engine: what measures the file (`DocumentBytes`, which collections and packs use
 * for their rooms) must not load the codec, which loads the world.
 */
export function fileDocument(workspace: Workspace): Record<string, unknown> {
  return {
    ...(workspace.$schema !== undefined && { $schema: workspace.$schema }),
    version: workspace.version,
    name: workspace.name,
    ...(workspace.description !== undefined && { description: workspace.description }),
    settings: workspace.settings,
    packs: workspace.packs,
    routes: workspace.routes,
    collections: workspace.collections,
    staticFolders: workspace.staticFolders,
    sockets: workspace.sockets,
    agents: workspace.agents,
    scenarios: workspace.scenarios,
    payloads: workspace.payloads,
  };
}
