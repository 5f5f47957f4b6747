import type { WorldParts } from '../workspace';

/** The workspace's sections of mounts a person edits (packs are switched, not edited), in the order they match. */
export const MOUNT_SECTIONS = ['routes', 'collections', 'staticFolders', 'sockets', 'agents'] as const;
export type MountSection = (typeof MOUNT_SECTIONS)[number];

/** A mount of a section, as the control API lists it. */
export type Mount<S extends MountSection = MountSection> = WorldParts[S][number];

/** Each section's name in the control API's URLs (`/__console/api/static-folders/:id`). */
export const SECTION_URLS: Readonly<Record<MountSection, string>> = {
  routes: 'routes',
  collections: 'collections',
  staticFolders: 'static-folders',
  sockets: 'sockets',
  agents: 'agents',
};
