import { create } from 'zustand';

/** The inject drawer's tabs: AG-UI sockets have Event and Macros, sockets of another protocol Frame; all Socket. */
export type InjectTab = 'event' | 'macros' | 'frame' | 'socket';

/**
 * Whether the selected connection's inject drawer is open, and on which tab (null: its first). Like the frames'
 * filter and cursor it belongs to one connection — another one starts without it — and outlives a look at another
 * view: the drawer is there again as it was left. What was typed in it is its draft (inject-drafts-store).
 */
export interface InjectDrawerState {
  connectionId: string | null;
  open: boolean;
  tab: InjectTab | null;
}

export const useInjectDrawerStore = create<InjectDrawerState>()(() => ({ connectionId: null, open: false, tab: null }));

const CLOSED = { open: false, tab: null } as const;

/** Selector: whether the connection's drawer is open (not when the store holds another connection's). */
export const injectDrawerOpen =
  (connectionId: string) =>
  (state: InjectDrawerState): boolean =>
    state.connectionId === connectionId && state.open;

/** Selector: the tab the connection's drawer shows, null for its first. */
export const injectDrawerTab =
  (connectionId: string) =>
  (state: InjectDrawerState): InjectTab | null =>
    state.connectionId === connectionId ? state.tab : null;

function update(connectionId: string, patch: Partial<Omit<InjectDrawerState, 'connectionId'>>): void {
  useInjectDrawerStore.setState((state) => ({
    ...(state.connectionId === connectionId ? state : { connectionId, ...CLOSED }),
    ...patch,
  }));
}

/** Opens or closes the connection's drawer; closed, it opens again on its first tab. */
export function setInjectDrawerOpen(connectionId: string, open: boolean): void {
  update(connectionId, open ? { open } : CLOSED);
}

export function setInjectDrawerTab(connectionId: string, tab: InjectTab): void {
  update(connectionId, { tab });
}
