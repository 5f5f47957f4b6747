import { create } from 'zustand';
import type { HttpMountKind, MountRef } from '../../../shared/mounts/match-report';
import { MOUNT_SECTIONS, type MountSection } from '../../../shared/mounts/mount-sections';
import { setDraft } from './mount-drafts-store';
import { showView } from './navigation-store';

/** What is selected while a new mount is being written. */
export const NEW_ITEM = '+new';

/** The Routes view's parts: every section of the workspace's mounts, and the packs. */
export type RoutesViewPart = MountSection | 'packs';
export const ROUTES_VIEW_PARTS: readonly RoutesViewPart[] = [
  'routes',
  'collections',
  'staticFolders',
  'sockets',
  'agents',
  'packs',
];

/** The State view's parts: the workspace's collections, and the AGORA pack's users and sessions when it serves. */
export type StateViewPart = 'collections' | 'agora';

export interface OpenApiImportDraft {
  /** The document's text (JSON or YAML), pasted or read from a file. */
  document: string;
  /** The file it was read from, when it was. */
  fileName: string | null;
  basePath: string;
  replaceAll: boolean;
}

interface MountEditorState {
  routesPart: RoutesViewPart;
  /** The State view's part a person picked; null follows the packs (AGORA first when it serves). */
  statePart: StateViewPart | null;
  /** Per section: the mount open in its editor (its id, or NEW_ITEM), or none. */
  selected: Readonly<Record<MountSection, string | null>>;
  /** The route editor's way of editing: the form, or the whole route as JSON (the same draft). */
  routeTab: 'form' | 'json';
  /** The OpenAPI import is open in the routes' editor pane. */
  importing: boolean;
  /** What the person gave the import, kept while they look elsewhere. */
  openApiImport: OpenApiImportDraft;
  /** Per collection: the record open in the editor (its id as text, or NEW_ITEM). */
  selectedRecord: Readonly<Record<string, string | null>>;
  /** The collection pane shows its records or its definition. */
  collectionTab: 'records' | 'definition';
}

export const useMountEditorStore = create<MountEditorState>()(() => ({
  routesPart: 'routes',
  statePart: null,
  selected: Object.fromEntries(MOUNT_SECTIONS.map((section) => [section, null])) as Record<MountSection, null>,
  routeTab: 'form',
  importing: false,
  openApiImport: { document: '', fileName: null, basePath: '', replaceAll: false },
  selectedRecord: {},
  collectionTab: 'records',
}));

export function selectMount(section: MountSection, id: string | null): void {
  useMountEditorStore.setState((state) => ({
    selected: { ...state.selected, [section]: id },
    ...(section === 'routes' && { importing: false }),
  }));
}

const SECTION_OF_KIND: Partial<Record<HttpMountKind, MountSection>> = {
  route: 'routes',
  collection: 'collections',
  static: 'staticFolders',
  agent: 'agents',
};

/** Opens what answered a request (or came close): a route, folder or agent in Routes, a collection in State. */
export function showMount(ref: Pick<MountRef, 'kind' | 'id'>): void {
  if (ref.kind === 'pack') {
    useMountEditorStore.setState({ routesPart: 'packs' });
    showView('routes');
    return;
  }
  const section = SECTION_OF_KIND[ref.kind];
  if (!section) return;
  selectMount(section, ref.id);
  if (section === 'collections') {
    useMountEditorStore.setState({ statePart: 'collections' });
    showView('state');
  } else {
    useMountEditorStore.setState({ routesPart: section as RoutesViewPart });
    showView('routes');
  }
}

/** Where a mount's draft is kept: `routes:get-item`, `routes:+new`. */
export const mountDraftKey = (section: MountSection, id: string) => `${section}:${id}`;

/** Opens the editor on a new mount of the section, starting from `initial`. */
export function startNewMount(section: MountSection, initial: unknown): void {
  const text = JSON.stringify(initial, null, 2);
  setDraft(mountDraftKey(section, NEW_ITEM), { text, base: text, issues: [] });
  selectMount(section, NEW_ITEM);
}
