import type Router from '@koa/router';
import type { EngineContext } from '../../engine-context';
import { messageSocketEndpoint } from '../../ws/message-socket-endpoint';
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
  /** Stops whatever the profile runs (scenario timers); sockets are closed by the engine. */
  close(): void;
}

/** The default profile, "agora-mock": AGORA's REST contract and its `/ws` AG-UI socket. */
export function agoraProfile(context: EngineContext): ContractProfile {
  return {
    name: 'agora-mock',
    routers: [serviceRoutes(), agentsRoutes(), sessionRoutes(context), userRoutes(context), documentRoutes()],
    socketEndpoints: [messageSocketEndpoint('/ws', context.registry, (connection) => agoraSocketSession(connection))],
    close: () => {},
  };
}
