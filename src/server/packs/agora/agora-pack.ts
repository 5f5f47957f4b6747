import type Router from '@koa/router';
import type { EngineContext } from '../../engine-context';
import { type AgoraSocketSession, agoraSocketSession } from '../../ws/behaviours/agui-socket-session';
import { messageSocketEndpoint } from '../../ws/message-socket-endpoint';
import type { SocketEndpoint } from '../../ws/socket-server';
import { agentsRoutes } from './rest/agents-routes';
import { documentRoutes } from './rest/document-routes';
import { serviceRoutes } from './rest/service-routes';
import { sessionRoutes } from './rest/session-routes';
import { userRoutes } from './rest/user-routes';
import { runHistoryRecorder } from './run-history-recorder';

/** A mocked backend: its REST routers and its WebSocket endpoints. */
export interface ContractProfile {
  name: string;
  routers: Router[];
  socketEndpoints: SocketEndpoint[];
  /** Plays a scenario on one of the profile's connections now; its runId, or undefined if it cannot. */
  runScenario(connectionId: string, scenarioId: string): string | undefined;
  /** Stops whatever the profile runs (scenario timers); sockets are closed by the engine. */
  close(): void;
}

/** The default profile, "agora-mock": AGORA's REST contract and its `/ws` AG-UI socket. */
export function agoraProfile(context: EngineContext): ContractProfile {
  const scenarios = context.scenarios;
  /** Live sessions by connection id (the console plays scenarios on them). */
  const sessions = new Map<string, AgoraSocketSession>();
  return {
    name: 'agora-mock',
    routers: [serviceRoutes(), agentsRoutes(), sessionRoutes(context), userRoutes(context), documentRoutes()],
    socketEndpoints: [
      messageSocketEndpoint('/ws', context.registry, context.settings, (connection, request) => {
        // Runs become REST sessions, as on AGORA's real servers (the Python mock never recorded them).
        const observer = runHistoryRecorder(context.store, context.logger);
        const session = agoraSocketSession(connection, request, { context, catalogue: scenarios, observer });
        sessions.set(connection.id, session);
        // Forget the session once its socket is gone, so the map only holds live ones.
        return {
          message: (message) => session.message(message),
          closed: () => {
            sessions.delete(connection.id);
            session.closed();
          },
        };
      }),
    ],
    runScenario: (connectionId, scenarioId) => sessions.get(connectionId)?.runScenario(scenarioId),
    close: () => {
      for (const session of sessions.values()) session.closed();
      sessions.clear();
    },
  };
}
