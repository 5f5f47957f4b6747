import { create } from 'zustand';
import type { PacksInfo } from '../../../shared/control-api';
import type { JsonObject } from '../../../shared/json-value';
import type { Collection } from '../../../shared/mounts/collection';
import type { CollectionChange } from '../../../shared/mounts/collection-change';
import { MOUNT_SECTIONS, type Mount, type MountSection } from '../../../shared/mounts/mount-sections';

/** What the workspace mounts, section by section, as the engine last listed it. */
export type MountLists = { [S in MountSection]: readonly Mount<S>[] };

interface MountsState {
  sections: MountLists;
  /** Sections the engine has answered for. */
  loaded: Readonly<Record<MountSection, boolean>>;
  /** Why the last load failed, per section. */
  loadErrors: Readonly<Partial<Record<MountSection, string>>>;
  packs: PacksInfo | null;
}

export const useMountsStore = create<MountsState>()(() => ({
  sections: { routes: [], collections: [], staticFolders: [], sockets: [], agents: [] },
  loaded: Object.fromEntries(MOUNT_SECTIONS.map((section) => [section, false])) as Record<MountSection, boolean>,
  loadErrors: {},
  packs: null,
}));

/** An id as the console names it (in URLs and keys): text as it is, anything else as JSON. */
export const idText = (id: unknown): string => (typeof id === 'string' ? id : JSON.stringify(id ?? null));

/** A record's id as the console names it: its id field, as text. */
export function recordKey(collection: Pick<Collection, 'idField'>, record: JsonObject): string {
  return idText(record[collection.idField]);
}

/**
 * Follows record changes made through a collection's REST API or the console, without refetching: each change
 * names its collection, the record's id and (but for deletes) the record as stored.
 */
export function applyCollectionChanges(
  collections: readonly Collection[],
  changes: readonly CollectionChange[],
): readonly Collection[] {
  if (changes.length === 0) return collections;
  const byId = new Map(collections.map((collection) => [collection.id, collection]));
  for (const change of changes) {
    const collection = byId.get(change.collection);
    if (!collection) continue;
    let records = collection.records;
    if (change.type === 'reset') records = change.records;
    else {
      const key = idText(change.id);
      const at = records.findIndex((record) => recordKey(collection, record) === key);
      if (change.type === 'deleted') records = records.filter((_record, index) => index !== at);
      else if (at === -1) records = [...records, change.record];
      else records = records.map((record, index) => (index === at ? change.record : record));
    }
    byId.set(collection.id, { ...collection, records });
  }
  return collections.map((collection) => byId.get(collection.id) ?? collection);
}
