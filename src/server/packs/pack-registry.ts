import type { PackName } from '../../shared/mounts/pack';
import { isUrlPathUnder } from '../../shared/url-path-under';
import type { WorkspaceInput } from '../../shared/workspace';
import { agoraMockPack, agoraRealPack } from './agora/agora-pack';
import { agoraRealTemplate, agoraTemplate } from './agora/agora-template';
import type { PackDefinition } from './pack-definition';

/** The packs this engine knows, by name. The one place that lists them and what comes with them. */
const PACKS: ReadonlyMap<PackName, PackDefinition> = new Map<PackName, PackDefinition>([
  [agoraMockPack.name, agoraMockPack as PackDefinition],
  [agoraRealPack.name, agoraRealPack as PackDefinition],
]);

export function packDefinition(name: PackName): PackDefinition {
  const pack = PACKS.get(name);
  if (!pack) throw new Error(`unknown pack ${name}`);
  return pack;
}

/** The packs whose part of the console's API has `path` (under /__console/api), serving or not. */
export function packsWithControlPath(path: string): PackName[] {
  return [...PACKS.values()]
    .filter((pack) => pack.controlPaths.some((prefix) => isUrlPathUnder(path, prefix)))
    .map((pack) => pack.name);
}

/**
 * Whether two packs are variants of one contract (agora-mock and agora-real): they keep the same data (the same data
 * schema) and serve the same paths, so one takes over the other's data when switched in, and with both serving the
 * second would never be reached.
 */
export function variantsOfOneContract(one: PackName, other: PackName): boolean {
  return packDefinition(one).dataSchema === packDefinition(other).dataSchema;
}

/** Workspace templates built on packs, by template name. */
export const PACK_TEMPLATES: Readonly<Record<string, (now: number, name?: string) => WorkspaceInput>> = {
  agora: agoraTemplate,
  'agora-real': agoraRealTemplate,
};

export {
  agoraWorkspaceV0toV1 as legacyWorkspaceV0toV1,
  agoraWorkspaceV1toV2 as legacyWorkspaceV1toV2,
} from './agora/legacy-workspaces';
