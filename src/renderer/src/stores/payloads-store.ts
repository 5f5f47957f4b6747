import { create } from 'zustand';
import type { SavedPayload } from '../../../shared/saved-payload';
import { type RecentPayload, readRecent, withRecent, writeRecent } from '../features/inject/recent-payloads';

interface PayloadsState {
  /** The workspace's saved payloads, as the engine has them. */
  saved: readonly SavedPayload[];
  loaded: boolean;
  loadError: string | null;
  /** What this browser sent last, newest first. */
  recent: readonly RecentPayload[];
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export const usePayloadsStore = create<PayloadsState>()(() => {
  const kept = storage();
  return { saved: [], loaded: false, loadError: null, recent: kept ? readRecent(kept) : [] };
});

/** Remembers a payload just sent (events or a macro), for this browser's "recent" list. */
export function rememberSent(entry: Omit<RecentPayload, 'at'>): void {
  const recent = withRecent(usePayloadsStore.getState().recent, { ...entry, at: Date.now() } as RecentPayload);
  usePayloadsStore.setState({ recent });
  const kept = storage();
  if (kept) writeRecent(kept, recent);
}
