import type { PackName } from '../../shared/mounts/pack';
import type { PackChange } from '../../shared/pack-change';
import { packDefinition } from '../packs/pack-registry';
import type { ChangeMerging } from '../support/change-coalescer';

/** A change to one pack's data, as the world announces it. */
export interface PackChangeEvent {
  pack: PackName;
  change: PackChange;
}

/** Pack changes combined as each pack says its own combine; a pack that says nothing merges nothing. */
export const packChangeMerging: ChangeMerging<PackChangeEvent> = {
  keys({ pack, change }) {
    const merging = packDefinition(pack).changeMerging;
    // Keys name a pack's own entities; two packs' changes never concern the same thing.
    return merging ? merging.keys(change)?.map((key) => `${pack}\u0000${key}`) : undefined;
  },
  merge(earlier, later) {
    if (earlier.pack !== later.pack) return undefined;
    const merged = packDefinition(later.pack).changeMerging?.merge(earlier.change, later.change);
    return merged === undefined ? undefined : { pack: later.pack, change: merged };
  },
};
