import { create } from 'zustand';
import type { TryItEntry } from '../features/try-it/transcript';

export type TryItStatus = 'disconnected' | 'connecting' | 'connected' | 'streaming';

/** Entries the built-in client keeps (oldest go first). */
export const TRY_IT_ENTRIES_KEPT = 5000;

interface TryItState {
  /** The AG-UI endpoint picked (`socket:ws`, `agent:chat`); null: the world's first (see tryItEndpoint). */
  endpoint: string | null;
  status: TryItStatus;
  threadId: string;
  entries: readonly TryItEntry[];
  /** null until the agent was tried; false when this engine does not serve it. */
  httpAvailable: boolean | null;
  problem: string | null;
}

export const useTryItStore = create<TryItState>()(() => ({
  endpoint: null,
  status: 'disconnected',
  threadId: `console-${Math.random().toString(36).slice(2, 8)}`,
  entries: [],
  httpAvailable: null,
  problem: null,
}));

export function addTryItEntries(entries: readonly TryItEntry[]): void {
  if (entries.length === 0) return;
  useTryItStore.setState((state) => {
    const next = state.entries.concat(entries);
    return { entries: next.length > TRY_IT_ENTRIES_KEPT ? next.slice(-TRY_IT_ENTRIES_KEPT) : next };
  });
}
