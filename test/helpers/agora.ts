import type { MockServer } from '../../src/server/index';
import type { RunningAgoraPack } from '../../src/server/packs/agora/agora-pack';
import type { AgoraStore } from '../../src/server/packs/agora/store/agora-store';
import type { AgoraData } from '../../src/shared/agora-model';

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
