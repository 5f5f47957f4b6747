import type Router from '@koa/router';
import type { EngineContext } from '../../engine-context';
import { agoraScenarioPack } from '../../scenarios/agora/agora-scenario-pack';
import { runHistoryRecorder } from '../../scenarios/run-history-recorder';
import { ScenarioCatalogue } from '../../scenarios/scenario-catalogue';
import { messageSocketEndpoint, type SocketSession } from '../../ws/message-socket-endpoint';
import type { SocketEndpoint } from '../../ws/socket-server';
import { agentsRoutes } from './agents-routes';
import { agoraSocketSession } from './agora-socket-session';
import { documentRoutes } from './document-routes';
import { serviceRoutes } from './service-routes';
import { sessionRoutes } from './session-routes';
import { userRoutes } from './user-routes';

/** A mocked backend: its REST routers and its WebSocket endpoints. */
export interface ContractProfile {
  name: string;
  routers: Router[];
  socketEndpoints: SocketEndpoint[];
  /** The scenarios the profile's sockets play (seeded with the profile's pack). */
  scenarios: ScenarioCatalogue;
  /** Stops whatever the profile runs (scenario timers); sockets are closed by the engine. */
  close(): void;
}

/** The default profile, "agora-mock": AGORA's REST contract and its `/ws` AG-UI socket. */
export function agoraProfile(context: EngineContext): ContractProfile {
  const scenarios = new ScenarioCatalogue(agoraScenarioPack);
  const sessions = new Set<SocketSession>();
  return {
    name: 'agora-mock',
    routers: [serviceRoutes(), agentsRoutes(), sessionRoutes(context), userRoutes(context), documentRoutes()],
    socketEndpoints: [
      messageSocketEndpoint('/ws', context.registry, (connection, request) => {
        // Runs become REST sessions, as on AGORA's real servers (the Python mock never recorded them).
        const observer = runHistoryRecorder(context.store, context.logger);
        const session = agoraSocketSession(connection, request, { context, catalogue: scenarios, observer });
        sessions.add(session);
        // Forget the session once its socket is gone, so the set only holds live ones.
        return {
          message: (message) => session.message(message),
          closed: () => {
            sessions.delete(session);
            session.closed();
          },
        };
      }),
    ],
    scenarios,
    close: () => {
      for (const session of sessions) session.closed();
      sessions.clear();
    },
  };
}
