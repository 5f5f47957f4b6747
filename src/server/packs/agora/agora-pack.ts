import { type AgoraChange, type AgoraData, AgoraDataSchema } from '../../../shared/agora-model';
import type { PackDefinition, PackEnvironment, RunningPack } from '../pack-definition';
import { agoraControlRoutes } from './agora-control-routes';
import { agentsRoutes } from './rest/agents-routes';
import { documentRoutes } from './rest/document-routes';
import { serviceRoutes } from './rest/service-routes';
import { sessionRoutes } from './rest/session-routes';
import { userRoutes } from './rest/user-routes';
import { runHistoryRecorder } from './run-history-recorder';
import { agoraSeed } from './store/agora-seed';
import { AgoraStore } from './store/agora-store';

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
    try {
      new AgoraStore().replace(data);
      return [];
    } catch (error) {
      return [{ path: [], message: (error as Error).message }];
    }
  },
  start: (environment, data) => startAgoraPack(environment, data),
};

/** The running agora pack, with its store for tests and the pack's own code. */
export interface RunningAgoraPack extends RunningPack<AgoraData> {
  readonly store: AgoraStore;
}

function startAgoraPack(environment: PackEnvironment, data: AgoraData): RunningAgoraPack {
  const store = new AgoraStore({ logger: environment.logger, historyLimits: environment.settings });
  store.replace(data);
  return {
    definition: agoraMockPack,
    store,
    routers: [
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
        behaviour: { type: 'agui', scenarios: '*', whileRunning: 'queue' },
      },
    ],
    controlRouters: [agoraControlRoutes(store, environment)],
    // Runs become REST sessions, as on AGORA's real servers (the Python mock never recorded them).
    runObserver: () => runHistoryRecorder(store, environment.logger),
    snapshot: ({ shared = false } = {}) => (shared ? store.sharedSnapshot() : store.snapshot()),
    replace: (next) => store.replace(next),
    subscribe: (listener: (change: AgoraChange) => void) => store.subscribe(listener),
    counts: () => ({
      users: store.listUsers({ limit: 1, offset: 0 }).totalCount,
      sessions: store.listAllSessions().length,
    }),
    close: () => {},
  };
}
