import type { IncomingMessage } from 'node:http';
import type { ConnectionMount } from '../../../shared/connections';
import type { SocketEndpoint as SocketEndpointDefinition } from '../../../shared/mounts/socket-endpoint';
import { scenarioSelection } from '../../agui/endpoint-environment';
import type { EngineCore } from '../../engine-context';
import { socketTokenRefusal } from '../../gateway/socket-token';
import type { RunObserver } from '../../scenarios/conversation';
import { messageSocketEndpoint } from '../message-socket-endpoint';
import type { SocketEndpoint } from '../socket-server';
import { type AguiSocketSession, aguiSocketSession } from './agui-socket-session';

/** What every socket behaviour may use from the engine. */
export interface SocketBehaviourEnvironment {
  readonly context: EngineCore;
  /** Told about every AG-UI run (the packs recording runs); one per conversation. */
  runObserver(): RunObserver;
  /** Sessions the console can play a scenario on now, by connection id (kept while their socket is open). */
  readonly drivable: Map<string, AguiSocketSession>;
}

/** The endpoint serving a socket definition's behaviour. */
export function socketBehaviourEndpoint(
  definition: SocketEndpointDefinition,
  mount: ConnectionMount,
  environment: SocketBehaviourEnvironment,
): SocketEndpoint {
  const { behaviour } = definition;
  const { gateway } = environment.context;
  const endpoint = {
    path: definition.path,
    protocols: definition.subprotocols,
    mount,
    refusal: (request: IncomingMessage) => socketTokenRefusal(gateway, request),
  };
  switch (behaviour.type) {
    case 'agui': {
      const { context, drivable } = environment;
      const aguiEnvironment = {
        context,
        scenarios: scenarioSelection(behaviour.scenarios),
        runObserver: () => environment.runObserver(),
      };
      return messageSocketEndpoint(endpoint, context.registry, context.settings, (connection, request) => {
        const session = aguiSocketSession(connection, request, {
          environment: aguiEnvironment,
          whileRunning: behaviour.whileRunning,
        });
        drivable.set(connection.id, session);
        // Forgotten once its socket is gone, so the map only holds live sessions.
        return {
          message: (message) => session.message(message),
          closed: () => {
            drivable.delete(connection.id);
            session.closed();
          },
        };
      });
    }
  }
}
