import type { FrameRecord } from '../../../shared/connections';
import type { FeedItem } from '../../../shared/control-api';
import { MOUNT_SECTIONS, type MountSection } from '../../../shared/mounts/mount-sections';
import { answeredByKey, type RequestSummary } from '../../../shared/request-log';
import type { WorldSection } from '../../../shared/workspace';
import { ApiError, errorMessage } from '../api/api-error';
import { onTokenInAddress, resolveConsoleAccess } from '../api/console-token';
import { api, configureApi } from '../api/control-client';
import { LiveFeed } from '../api/live-feed';
import { keptFromSize, oldestKeptId } from '../features/requests/log-losses';
import { removeConnections, useConnectionsStore } from './connections-store';
import { sortBatch } from './feed-batch';
import { appendFrames, FRAMES_KEPT_PER_CONNECTION, withFetchedFrames } from './frame-buffer';
import { forgetFrames, useFramesStore } from './frames-store';
import { applyCollectionChanges, useMountsStore } from './mounts-store';
import { showView } from './navigation-store';
import { usePayloadsStore } from './payloads-store';
import {
  countRequests,
  countsFromEngine,
  prependRequests,
  REQUESTS_KEPT,
  useRequestsStore,
  withoutDropped,
} from './requests-store';
import { useScenariosStore } from './scenarios-store';
import { useServerStore } from './server-store';
import { applyAgoraChanges, useStateStore } from './state-store';
import { agoraServes } from './world-endpoints';

/**
 * Keeps the stores in step with the engine: loads every list once, then follows the live feed; after a
 * reconnection or when the feed reports dropped items, loads again (the feed cannot replay what was missed).
 */
let feed: LiveFeed | undefined;
let unsubscribeSelection: (() => void) | undefined;

export async function startConsole(): Promise<void> {
  onTokenInAddress((token) => void connectWithToken(window.location.origin, token));
  const access = await resolveConsoleAccess();
  if (!access.token) {
    useServerStore.setState({ access: 'no-token', accessProblem: null });
    return;
  }
  await connectWithToken(access.engineUrl, access.token);
}

export async function connectWithToken(engineUrl: string, token: string): Promise<void> {
  feed?.stop();
  unsubscribeSelection?.();
  configureApi({ engineUrl, token });
  try {
    const info = await api.server();
    useServerStore.setState({ access: 'ready', accessProblem: null, info, settings: info.settings });
  } catch (error) {
    const unauthorized = error instanceof ApiError && error.status === 401;
    useServerStore.setState({
      access: unauthorized ? 'unauthorized' : 'unreachable',
      accessProblem: errorMessage(error),
    });
    return;
  }
  await reloadAll();
  feed = new LiveFeed(
    { engineUrl, token },
    {
      onStatus: (status) => {
        useServerStore.setState({ feed: status });
        if (status === 'unauthorized') useServerStore.setState({ access: 'unauthorized', accessProblem: null });
      },
      onReady: (info, reconnected) => {
        useServerStore.setState({ info, settings: info.settings });
        if (reconnected) void reloadAll();
      },
      onBatch: (items, dropped) => {
        applyFeedBatch(items);
        if (dropped > 0) {
          useServerStore.setState((state) => ({ droppedItems: state.droppedItems + dropped }));
          reloadAfterDrops();
        }
      },
    },
  );
  feed.start();
  unsubscribeSelection = useConnectionsStore.subscribe((state, previous) => {
    if (state.selectedId !== previous.selectedId) followFrames(state.selectedId);
  });
  followFrames(useConnectionsStore.getState().selectedId);
}

/** Applies one feed batch with a single update per store (frames: see queueFrames). */
export function applyFeedBatch(items: readonly FeedItem[]): void {
  const batch = sortBatch(items);
  if (batch.connections.size)
    useConnectionsStore.setState((state) => ({ byId: { ...state.byId, ...Object.fromEntries(batch.connections) } }));
  if (batch.removedConnections.size) {
    removeConnections(batch.removedConnections);
    for (const id of batch.removedConnections) pendingFrames.delete(id);
    forgetFrames(batch.removedConnections);
  }
  if (batch.frames.size) queueFrames(batch.frames);
  if (batch.requests.length) {
    // What the log holds is known from the newest request and its size: older ones are no longer listed.
    const requestLogSize = (batch.settings ?? useServerStore.getState().settings)?.requestLogSize ?? null;
    useRequestsStore.setState((state) => {
      const entries = prependRequests(state.entries, batch.requests);
      const keptFrom = Math.max(state.keptFrom, keptFromSize(entries[0]?.id ?? 0, requestLogSize));
      return {
        entries: withoutDropped(entries, keptFrom),
        keptFrom,
        ...countRequests(state.counts, state.countedThrough, batch.requests),
        ...(state.mountEntries &&
          mountArrivals(state.mountEntries, state.mountTotal, state.mountFilter, batch.requests, keptFrom)),
      };
    });
  }
  if (batch.collectionChanges.length)
    useMountsStore.setState((state) => ({
      sections: {
        ...state.sections,
        collections: applyCollectionChanges(state.sections.collections, batch.collectionChanges),
      },
    }));
  if (batch.mountSections.size) {
    // A pack switched on starts from its seed, one switched off takes its data: the AGORA part follows (once the
    // server info says which packs serve).
    const packs = batch.mountSections.has('packs') || batch.mountSections.has('*');
    void reloadMountSections(batch.mountSections).then(() => (packs ? reloadState().catch(() => {}) : undefined));
  }
  if (batch.stateChanges.length) {
    const state = useStateStore.getState();
    const next = applyAgoraChanges(state, batch.stateChanges);
    const historyVersions = { ...state.historyVersions };
    for (const sessionId of next.historiesChanged) historyVersions[sessionId] = (historyVersions[sessionId] ?? 0) + 1;
    useStateStore.setState({ users: next.users, sessions: next.sessions, historyVersions, eviction: next.eviction });
    if (next.needsRefetch) void reloadState();
  }
  if (batch.scenariosChanged) void reloadScenarios();
  if (batch.payloadsChanged) void reloadPayloads();
  if (batch.settings) useServerStore.setState({ settings: batch.settings });
  if (batch.workspace) useServerStore.setState({ workspace: batch.workspace });
}

/** The mount filter's list and count with the feed's requests that mount answered added. */
function mountArrivals(
  listed: readonly RequestSummary[],
  total: number | null,
  mount: string | null,
  arrived: readonly RequestSummary[],
  keptFrom: number,
): { mountEntries: readonly RequestSummary[]; mountTotal: number | null } {
  const newest = listed[0]?.id ?? 0;
  const fresh = arrived.filter((entry) => entry.id > newest && answeredByKey(entry.answeredBy) === mount);
  return {
    mountEntries: withoutDropped(prependRequests(listed, fresh), keptFrom),
    mountTotal: total === null ? null : total + fresh.length,
  };
}

/**
 * Frames reach the store at most every FRAME_FLUSH_MS: a flood (thousands a second) then costs a few renders a
 * second instead of one per feed batch, and a lone frame still shows at once.
 */
const FRAME_FLUSH_MS = 100;
let pendingFrames = new Map<string, FrameRecord[]>();
let frameFlushTimer: ReturnType<typeof setTimeout> | undefined;
let lastFrameFlush = 0;

function queueFrames(frames: Map<string, FrameRecord[]>): void {
  for (const [connectionId, list] of frames) {
    const pending = pendingFrames.get(connectionId);
    if (!pending) pendingFrames.set(connectionId, list);
    else {
      for (const frame of list) pending.push(frame);
      // Only the newest are kept anyway (a hidden page flushes seldom).
      if (pending.length > 2 * FRAMES_KEPT_PER_CONNECTION)
        pending.splice(0, pending.length - FRAMES_KEPT_PER_CONNECTION);
    }
  }
  if (frameFlushTimer) return;
  const wait = Math.max(0, lastFrameFlush + FRAME_FLUSH_MS - Date.now());
  frameFlushTimer = setTimeout(flushFrames, wait);
}

function flushFrames(): void {
  frameFlushTimer = undefined;
  lastFrameFlush = Date.now();
  const flushing = pendingFrames;
  pendingFrames = new Map();
  useFramesStore.setState((state) => {
    const byConnection = { ...state.byConnection };
    for (const [connectionId, frames] of flushing)
      byConnection[connectionId] = appendFrames(byConnection[connectionId] ?? [], frames);
    return { byConnection };
  });
}

/** While the feed keeps dropping (a flood), reload at most every RELOAD_AFTER_DROPS_MS, never two at once. */
const RELOAD_AFTER_DROPS_MS = 2000;
let dropReload: Promise<void> | undefined;
let lastDropReload = 0;

function reloadAfterDrops(): void {
  if (dropReload || Date.now() - lastDropReload < RELOAD_AFTER_DROPS_MS) return;
  lastDropReload = Date.now();
  dropReload = reloadAll().finally(() => {
    dropReload = undefined;
  });
}

async function reloadAll(): Promise<void> {
  await Promise.allSettled([
    reloadConnections(),
    reloadRequests(),
    reloadState(),
    reloadScenarios(),
    reloadWorkspace(),
    reloadPayloads(),
    reloadMountSections(['*']),
  ]);
  const selected = useConnectionsStore.getState().selectedId;
  if (selected) await loadFrames(selected);
}

async function reloadConnections(): Promise<void> {
  const { items } = await api.connections();
  useConnectionsStore.setState({ byId: Object.fromEntries(items.map((item) => [item.id, item])) });
}

/**
 * The request list, what the engine's log let go of and how many requests each mount answered (also when the
 * requests or routes view opens: the feed has no counts), and the requests of the mount filtered by.
 */
export async function reloadRequests(): Promise<void> {
  const { mountFilter: mount, entries: seen } = useRequestsStore.getState();
  const seenThrough = seen[0]?.id ?? 0;
  const [{ items, log }, counts, filtered] = await Promise.all([
    api.requests(REQUESTS_KEPT),
    api.requestCounts(),
    mount ? api.requests(REQUESTS_KEPT, mount) : undefined,
  ]);
  useRequestsStore.setState((state) => {
    const keptFrom = Math.max(state.keptFrom, oldestKeptId(items[0]?.id, log.kept, seenThrough));
    const lookedThrough = items[0]?.id ?? seenThrough;
    // The answer is the log as it was when asked: requests the feed brought since stay (and are counted), and what
    // the console learnt the log let go of meanwhile (a clear, say) does not come back with it.
    const since = (listed: readonly RequestSummary[]) => listed.filter((entry) => entry.id > lookedThrough).reverse();
    return {
      entries: withoutDropped(prependRequests(items, since(state.entries)), keptFrom),
      log,
      keptFrom,
      lookedThrough,
      ...countsFromEngine(counts, seenThrough, state.entries),
      ...(filtered &&
        state.mountFilter === mount && {
          mountEntries: withoutDropped(prependRequests(filtered.items, since(state.mountEntries ?? [])), keptFrom),
          mountTotal: filtered.total + since(state.mountEntries ?? []).length,
        }),
    };
  });
}

/**
 * What the engine's log let go of, as it says now (the feed brings new requests, not what the log drops): one cheap
 * look (its newest request and its counts), and the requests it no longer holds taken off the lists.
 */
export async function refreshRequestLog(): Promise<void> {
  const { entries, mountFilter: mount } = useRequestsStore.getState();
  const seenThrough = entries[0]?.id ?? 0;
  // With a mount filter, how many of the log's requests that mount answered too: the log lets those go as well.
  const [{ items, log }, filtered] = await Promise.all([api.requests(1), mount ? api.requests(1, mount) : undefined]);
  useRequestsStore.setState((state) => {
    const keptFrom = Math.max(state.keptFrom, oldestKeptId(items[0]?.id, log.kept, seenThrough));
    const mountEntries = state.mountEntries && withoutDropped(state.mountEntries, keptFrom);
    const newestCounted = filtered?.items[0]?.id ?? 0;
    return {
      log,
      keptFrom,
      lookedThrough: items[0]?.id ?? seenThrough,
      entries: withoutDropped(state.entries, keptFrom),
      mountEntries,
      ...(filtered &&
        mountEntries &&
        state.mountFilter === mount && {
          mountTotal: filtered.total + mountEntries.filter((entry) => entry.id > newestCounted).length,
        }),
    };
  });
}

/**
 * How many logged requests each mount answered (the routes' "served"), as the engine counts them now, with what the
 * feed brought meanwhile; one look at a time.
 */
export function reloadRequestCounts(): Promise<void> {
  return reloadOnce('counts', async () => {
    const seenThrough = useRequestsStore.getState().entries[0]?.id ?? 0;
    const counts = await api.requestCounts();
    useRequestsStore.setState((state) => countsFromEngine(counts, seenThrough, state.entries));
  });
}

/** Shows the requests one mount answered (`route:get-item`, `none` for what nothing answered), or all of them. */
export async function showRequestsAnsweredBy(mount: string | null): Promise<void> {
  useRequestsStore.setState({ mountFilter: mount, mountEntries: null, mountTotal: null, selectedId: null });
  showView('requests');
  if (!mount) return;
  const { items, total } = await api.requests(REQUESTS_KEPT, mount);
  useRequestsStore.setState((state) => {
    if (state.mountFilter !== mount) return {};
    // The feed's requests for this mount logged after the engine read its log for the answer stay listed.
    const newest = items[0]?.id ?? 0;
    const since = state.entries.filter((entry) => entry.id > newest && answeredByKey(entry.answeredBy) === mount);
    return {
      mountEntries: withoutDropped(prependRequests(items, since.reverse()), state.keptFrom),
      mountTotal: total + since.length,
    };
  });
}

/**
 * One load per section (or of the counts) at a time; a change reported meanwhile loads it once more after (never a
 * stale list).
 */
const sectionLoads = new Map<MountSection | 'packs' | 'info' | 'counts', { again: boolean; done: Promise<void> }>();

function reloadOnce(section: MountSection | 'packs' | 'info' | 'counts', load: () => Promise<void>): Promise<void> {
  const running = sectionLoads.get(section);
  if (running) {
    running.again = true;
    return running.done;
  }
  const entry = { again: false, done: Promise.resolve() };
  entry.done = (async () => {
    try {
      do {
        entry.again = false;
        await load();
      } while (entry.again);
    } finally {
      sectionLoads.delete(section);
    }
  })();
  sectionLoads.set(section, entry);
  return entry.done;
}

/** Loads a section of mounts again (after an edit, or when the feed says it changed). */
export function reloadSection(section: MountSection): Promise<void> {
  return reloadOnce(section, async () => {
    try {
      const { items } = await api.mounts(section);
      useMountsStore.setState((state) => {
        const { [section]: _solved, ...loadErrors } = state.loadErrors;
        return {
          sections: { ...state.sections, [section]: items },
          loaded: { ...state.loaded, [section]: true },
          loadErrors,
        };
      });
    } catch (error) {
      useMountsStore.setState((state) => ({
        loaded: { ...state.loaded, [section]: true },
        loadErrors: { ...state.loadErrors, [section]: errorMessage(error) },
      }));
    }
  });
}

/** Which packs there are and serve. */
function reloadPacks(): Promise<void> {
  return reloadOnce('packs', async () => {
    useMountsStore.setState({ packs: await api.packs() });
  });
}

/** What the server says: the packs serving, their endpoints and the workspace's (the feed sends it at start only). */
function reloadServerInfo(): Promise<void> {
  return reloadOnce('info', async () => {
    useServerStore.setState({ info: await api.server() });
  });
}

async function reloadMountSections(sections: Iterable<WorldSection | '*'>): Promise<void> {
  const wanted = new Set(sections);
  const all = wanted.has('*');
  const endpointsChanged = all || wanted.has('packs') || wanted.has('sockets') || wanted.has('agents');
  await Promise.allSettled([
    ...MOUNT_SECTIONS.filter((section) => all || wanted.has(section)).map(reloadSection),
    ...(all || wanted.has('packs') ? [reloadPacks()] : []),
    ...(endpointsChanged ? [reloadServerInfo()] : []),
  ]);
}

/** AGORA's users and sessions, while one of its packs serves (without one the engine has no such API). */
async function reloadState(): Promise<void> {
  if (!agoraServes(useServerStore.getState().info)) return;
  const [users, sessions] = await Promise.all([api.users(), api.sessions()]);
  useStateStore.setState((state) => ({
    users: users.items,
    sessions: sessions.items,
    loaded: true,
    historyVersions: Object.fromEntries(
      Object.keys(state.historyVersions).map((id) => [id, (state.historyVersions[id] ?? 0) + 1]),
    ),
  }));
}

async function reloadWorkspace(): Promise<void> {
  useServerStore.setState({ workspace: await api.workspace() });
}

async function reloadScenarios(): Promise<void> {
  try {
    const { items } = await api.scenarios();
    useScenariosStore.setState({ items, loaded: true, loadError: null });
  } catch (error) {
    const missing = error instanceof ApiError && error.status === 404;
    useScenariosStore.setState({
      loaded: true,
      loadError: missing ? 'This engine has no scenario API yet (GET /scenarios answered 404).' : errorMessage(error),
    });
  }
}

async function reloadPayloads(): Promise<void> {
  try {
    const { items } = await api.payloads();
    usePayloadsStore.setState({ saved: items, loaded: true, loadError: null });
  } catch (error) {
    const missing = error instanceof ApiError && error.status === 404;
    usePayloadsStore.setState({
      loaded: true,
      loadError: missing ? 'This engine cannot save payloads (GET /payloads answered 404).' : errorMessage(error),
    });
  }
}

function followFrames(connectionId: string | null): void {
  feed?.setFrameSubscriptions(connectionId ? [connectionId] : []);
  if (connectionId) void loadFrames(connectionId);
}

async function loadFrames(connectionId: string): Promise<void> {
  try {
    const page = await api.frames(connectionId, FRAMES_KEPT_PER_CONNECTION);
    useFramesStore.setState((state) => ({
      byConnection: {
        ...state.byConnection,
        [connectionId]: withFetchedFrames(state.byConnection[connectionId] ?? [], page.items),
      },
    }));
  } catch {
    // A connection the engine no longer knows keeps what the console already has.
  }
}
