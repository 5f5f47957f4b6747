import { type AgoraChange, type AgoraData, AgoraDataSchema } from '../../../shared/agora-model';
import type { PackDefinition, PackEnvironment, RunningPack } from '../pack-definition';
import { agoraControlRoutes } from './agora-control-routes';
import { agentsRoutes } from './rest/agents-routes';
import { documentRoutes } from './rest/document-routes';
import { realServerRoutes } from './rest/real-server-routes';
import { serviceRoutes } from './rest/service-routes';
import { sessionRoutes } from './rest/session-routes';
import { userRoutes } from './rest/user-routes';
import { runHistoryRecorder } from './run-history-recorder';
import { agoraChangeMerging } from './store/agora-change-merging';
import { agoraSeed } from './store/agora-seed';
import { AgoraStore, checkConsistency } from './store/agora-store';

/**
 * "agora-mock": AGORA's HAI backend as its Python mock serves it — users, sessions, preferences, agents and
 * documents over REST, and `/ws` (an AG-UI socket with AGORA's framing, declared like any user's socket) whose
 * runs, like every AG-UI run in the world, are recorded as sessions, as AGORA's real servers do.
 */
export const agoraMockPack: PackDefinition<AgoraData> = {
  name: 'agora-mock',
  title: "AGORA's HAI backend (its Python mock)",
  dataSchema: AgoraDataSchema,
  seed: (now) => agoraSeed(now),
  check(data) {
    // The data has passed `dataSchema` (the workspace's codec, or the console's API, parsed it): only what the schema
    // cannot see is left to check. Parsed again, copied and loaded into a store thrown away, it held the engine's
    // thread ~0.4 s per check of a 30 MB world, and an open checks twice.
    try {
      checkConsistency(data);
      return [];
    } catch (error) {
      return [{ path: [], message: (error as Error).message }];
    }
  },
  controlPaths: ['/state'],
  start: (environment, data) => startAgoraPack(agoraMockPack, environment, data),
  changeMerging: agoraChangeMerging,
};

/**
 * "agora-real": the same data, seed and flows as agora-mock, served with the contract of AGORA's real servers
 * (langgraph, openai): their REST differences in front of the mock's routes, and `/ws` cancelling a run in progress
 * when a new message arrives, as their `active_task.cancel()` does. docs/agora-real.md names each source.
 */
export const agoraRealPack: PackDefinition<AgoraData> = {
  ...agoraMockPack,
  name: 'agora-real',
  title: "AGORA's HAI backend (its real servers' contract)",
  start: (environment, data) => startAgoraPack(agoraRealPack, environment, data),
};

/** The running agora pack, with its store for tests and the pack's own code. */
export interface RunningAgoraPack extends RunningPack<AgoraData> {
  readonly store: AgoraStore;
}

function startAgoraPack(
  definition: PackDefinition<AgoraData>,
  environment: PackEnvironment,
  data: AgoraData,
): RunningAgoraPack {
  const store = new AgoraStore({
    logger: environment.logger,
    historyLimits: environment.settings,
    clientRoom: environment.clientRoom,
  });
  store.load(data);
  const real = definition.name === 'agora-real';
  return {
    definition,
    store,
    routers: [
      // First: a route it serves answers before the mock's route of the same method and path.
      ...(real ? [realServerRoutes(store, environment)] : []),
      serviceRoutes(),
      agentsRoutes(),
      sessionRoutes(store, environment),
      userRoutes(store, environment),
      documentRoutes(),
    ],
    sockets: [
      {
        id: 'ws',
        name: 'AGORA /ws',
        description: "HAI's socket: a RunAgentInput per text frame in, AG-UI events out; approvals wait mid-run.",
        enabled: true,
        path: '/ws',
        subprotocols: [],
        behaviour: { type: 'agui', scenarios: '*', whileRunning: real ? 'cancel' : 'queue' },
      },
    ],
    controlRouters: [agoraControlRoutes(store, environment)],
    // Runs become REST sessions, as on AGORA's real servers (the Python mock never recorded them).
    runObserver: () => runHistoryRecorder(store, environment.logger),
    makeRoom: (room) => store.makeRoom(room),
    evictableBytes: (fileBytes) => store.evictableBytes(fileBytes),
    snapshot: () => store.sharedSnapshot(),
    replace: (next) => store.load(next),
    subscribe: (listener: (change: AgoraChange) => void) => store.subscribe(listener),
    counts: () => ({
      users: store.listUsers({ limit: 1, offset: 0 }).totalCount,
      sessions: store.listAllSessions().length,
    }),
    close: () => {},
  };
}
