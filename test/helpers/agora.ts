import type { MockServer } from '../../src/server/index';
import type { RunningAgoraPack } from '../../src/server/packs/agora/agora-pack';
import type { AgoraStore } from '../../src/server/packs/agora/store/agora-store';
import type { AgoraData } from '../../src/shared/agora-model';
import type { Workspace } from '../../src/shared/workspace';
import { controlClient } from './control-client';

/** The store of the engine's agora-mock pack (it serves the AGORA template, the default world). */
export function agoraStore(server: Pick<MockServer, 'context'>): AgoraStore {
  const pack = server.context.world.pack('agora-mock') as RunningAgoraPack | undefined;
  if (!pack) throw new Error('the engine serves no agora-mock pack');
  return pack.store;
}

/** The agora-mock pack's data in a workspace document. */
export function agoraData(workspace: { packs: readonly { pack: string; data: unknown }[] }): AgoraData {
  const pack = workspace.packs.find((candidate) => candidate.pack === 'agora-mock');
  if (!pack) throw new Error('the workspace has no agora-mock pack');
  return pack.data as AgoraData;
}

/**
 * Changes the engine's agora-mock data in one workspace import: its own export, with `change` made to that data. A
 * world of thousands of users or sessions made one API call each costs the engine seconds of CPU (each console edit
 * is checked against the whole world as it grows); imported, it is the same world, checked once as a file is.
 */
export async function importAgoraChange(server: MockServer, change: (data: AgoraData) => void): Promise<void> {
  const api = controlClient(server);
  const exported = await api.get<Workspace>('/workspace/export');
  if (exported.status !== 200) throw new Error(`export: ${exported.status} ${JSON.stringify(exported.body)}`);
  change(agoraData(exported.body));
  const imported = await api.post('/workspace/import', exported.body);
  if (imported.status !== 200)
    throw new Error(`import: ${imported.status} ${JSON.stringify(imported.body).slice(0, 500)}`);
}
