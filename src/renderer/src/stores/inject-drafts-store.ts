import { create } from 'zustand';
import {
  emptyDraft,
  forgetDraft,
  forgetDraftsExcept,
  type InjectDraft,
  loadDraft,
  storeDraft,
} from '../features/inject/draft-storage';
import { useConnectionsStore } from './connections-store';
import { useServerStore } from './server-store';

interface InjectDraftsState {
  /** Drafts changed while the console runs, by connection id (others are read from storage when asked for). */
  byConnection: Record<string, InjectDraft>;
  /** The editor text a template or a loaded payload replaced, per connection, to put it back (this page only). */
  replaced: Record<string, string>;
  /** Connections whose draft is too large (or the browser refused) to keep across reloads. */
  notKept: Record<string, boolean>;
}

/**
 * What a person typed in each connection's inject drawer. The drawer's forms read and write it here rather than in
 * their own state, so nothing typed is lost when the drawer closes (Esc), the view or the connection changes, or
 * the page reloads (drafts are kept in localStorage per engine and connection, within bounds: draft-storage.ts).
 */
export const useInjectDraftsStore = create<InjectDraftsState>()(() => ({
  byConnection: {},
  replaced: {},
  notKept: {},
}));

const PERSIST_DELAY_MS = 300;

function engine(): string {
  return useServerStore.getState().info?.urls.http || window.location.origin;
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** Drafts read from storage (or found missing), by engine and connection: each is read once. */
const fromStorage = new Map<string, InjectDraft>();

function storedDraft(connectionId: string): InjectDraft {
  const key = `${engine()} ${connectionId}`;
  let draft = fromStorage.get(key);
  if (!draft) {
    const kept = storage();
    draft = (kept && loadDraft(kept, engine(), connectionId, Date.now())) || emptyDraft();
    fromStorage.set(key, draft);
  }
  return draft;
}

export function getInjectDraft(connectionId: string): InjectDraft {
  return useInjectDraftsStore.getState().byConnection[connectionId] ?? storedDraft(connectionId);
}

/** The connection's draft, for a component to render. */
export function useInjectDraft(connectionId: string): InjectDraft {
  const changed = useInjectDraftsStore((state) => state.byConnection[connectionId]);
  return changed ?? storedDraft(connectionId);
}

export function updateInjectDraft(connectionId: string, patch: Partial<Omit<InjectDraft, 'updatedAt'>>): void {
  const draft: InjectDraft = { ...getInjectDraft(connectionId), ...patch, updatedAt: Date.now() };
  useInjectDraftsStore.setState((state) => ({ byConnection: { ...state.byConnection, [connectionId]: draft } }));
  schedulePersist(connectionId);
}

/** Keeps (or, with null, forgets) the text a replacement pushed out of the event editor. */
export function setReplacedText(connectionId: string, text: string | null): void {
  useInjectDraftsStore.setState((state) => {
    const replaced = { ...state.replaced };
    if (text === null) delete replaced[connectionId];
    else replaced[connectionId] = text;
    return { replaced };
  });
}

/** Forgets a connection's draft everywhere (the engine no longer knows the connection). */
function discardDraft(connectionId: string): void {
  pending.delete(connectionId);
  fromStorage.delete(`${engine()} ${connectionId}`);
  const kept = storage();
  if (kept) forgetDraft(kept, engine(), connectionId);
  const state = useInjectDraftsStore.getState();
  if (!(connectionId in state.byConnection) && !(connectionId in state.replaced)) return;
  const byConnection = { ...state.byConnection };
  const replaced = { ...state.replaced };
  delete byConnection[connectionId];
  delete replaced[connectionId];
  useInjectDraftsStore.setState({ byConnection, replaced });
}

// Writing to storage on every keystroke would serialise the draft each time: changes are written a moment later,
// and at once when the page goes away.
const pending = new Set<string>();
let persistTimer: ReturnType<typeof setTimeout> | undefined;

function schedulePersist(connectionId: string): void {
  pending.add(connectionId);
  persistTimer ??= setTimeout(persistPending, PERSIST_DELAY_MS);
}

function persistPending(): void {
  clearTimeout(persistTimer);
  persistTimer = undefined;
  const kept = storage();
  if (!kept || pending.size === 0) return;
  const notKept = { ...useInjectDraftsStore.getState().notKept };
  for (const connectionId of pending) {
    const draft = useInjectDraftsStore.getState().byConnection[connectionId];
    if (draft) notKept[connectionId] = !storeDraft(kept, engine(), connectionId, draft);
  }
  pending.clear();
  useInjectDraftsStore.setState({ notKept });
}

window.addEventListener('pagehide', persistPending);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') persistPending();
});

// A connection the engine no longer knows (closed and let go of, or gone with an engine restart) takes its draft
// with it. The first full list from the engine also clears what earlier sessions left for connections it lost.
let checkedStored = false;
useConnectionsStore.subscribe((state, previous) => {
  if (state.byId === previous.byId) return;
  if (!checkedStored && Object.keys(state.byId).length > 0) {
    checkedStored = true;
    const kept = storage();
    if (kept) forgetDraftsExcept(kept, engine(), (connectionId) => connectionId in state.byId);
  }
  for (const connectionId in previous.byId) if (!(connectionId in state.byId)) discardDraft(connectionId);
});
