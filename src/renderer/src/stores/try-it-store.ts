import { create } from 'zustand';
import type { TryItEntry } from '../features/try-it/transcript';

export type TryItTransport = 'ws' | 'http';
export type TryItStatus = 'disconnected' | 'connecting' | 'connected' | 'streaming';

/** Entries the built-in client keeps (oldest go first). */
export const TRY_IT_ENTRIES_KEPT = 5000;

interface TryItState {
  transport: TryItTransport;
  status: TryItStatus;
  threadId: string;
  entries: readonly TryItEntry[];
  /** null until POST /agent was tried; false when this engine does not serve it. */
  httpAvailable: boolean | null;
  problem: string | null;
  /** The agent HTTP runs go to; null: the workspace's first. */
  agentUrl: string | null;
}

export const useTryItStore = create<TryItState>()(() => ({
  transport: 'ws',
  status: 'disconnected',
  threadId: `console-${Math.random().toString(36).slice(2, 8)}`,
  entries: [],
  httpAvailable: null,
  problem: null,
  agentUrl: null,
}));

export function addTryItEntries(entries: readonly TryItEntry[]): void {
  if (entries.length === 0) return;
  useTryItStore.setState((state) => {
    const next = state.entries.concat(entries);
    return { entries: next.length > TRY_IT_ENTRIES_KEPT ? next.slice(-TRY_IT_ENTRIES_KEPT) : next };
  });
}
