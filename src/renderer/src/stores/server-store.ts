import { create } from 'zustand';
import type { ServerInfo } from '../../../shared/control-api';
import type { ServerSettings } from '../../../shared/settings';
import type { WorkspaceStatus } from '../../../shared/workspace';
import type { FeedStatus } from '../api/live-feed';

/** How far the console got in reaching the engine. */
export type AccessState = 'resolving' | 'ready' | 'no-token' | 'unauthorized' | 'unreachable';

interface ServerState {
  access: AccessState;
  /** Why access failed, in the engine's words. */
  accessProblem: string | null;
  info: ServerInfo | null;
  /** Settings as the engine last reported them (the feed keeps them current). */
  settings: ServerSettings | null;
  /** The workspace file behind the engine (name, unsaved changes); null until known. */
  workspace: WorkspaceStatus | null;
  feed: FeedStatus;
  /** Items the feed could not deliver since the console last refetched. */
  droppedItems: number;
}

export const useServerStore = create<ServerState>()(() => ({
  access: 'resolving',
  accessProblem: null,
  info: null,
  settings: null,
  workspace: null,
  feed: 'connecting',
  droppedItems: 0,
}));
