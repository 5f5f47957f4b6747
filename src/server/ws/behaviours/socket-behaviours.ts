import type { IncomingMessage } from 'node:http';
import type { ConnectionMount } from '../../../shared/connections';
import type {
  SocketBehaviour,
  SocketEndpoint as SocketEndpointDefinition,
} from '../../../shared/mounts/socket-endpoint';
import { scenarioSelection } from '../../agui/endpoint-environment';
import type { EngineCore } from '../../engine-context';
import { socketTokenRefusal } from '../../gateway/socket-token';
import type { CompiledPathPattern } from '../../routes/path-pattern';
import type { RunObserver } from '../../scenarios/conversation';
import type { IssuePath } from '../../world/mount-validation-error';
import { messageSocketEndpoint, type SocketSession } from '../message-socket-endpoint';
import type { SocketEndpoint } from '../socket-server';
import { type AguiSocketSession, aguiSocketSession } from './agui-socket-session';
import { compileEcho } from './echo-behaviour';
import { compilePush } from './push-behaviour';
import { compileRules } from './rules-behaviour';
import type { SocketCompileTools } from './socket-compile-tools';
import { SocketConversation } from './socket-conversation';
import { endpointPeers } from './socket-peers';

/** What every socket behaviour may use from the engine. */
export interface SocketBehaviourEnvironment {
  readonly context: EngineCore;
  /** Told about every AG-UI run (the packs recording runs); one per conversation. */
  runObserver(): RunObserver;
  /** Sessions the console can play a scenario on now, by connection id (kept while their socket is open). */
  readonly drivable: Map<string, AguiSocketSession>;
}

/** A behaviour checked and compiled when stored: AG-UI runs, or a conversation of raw frames. */
export type CompiledSocketBehaviour =
  | { readonly protocol: 'agui'; readonly behaviour: Extract<SocketBehaviour, { type: 'agui' }> }
  | {
      readonly protocol: 'raw';
      readonly start: (conversation: SocketConversation) => SocketSession;
      /** Whether a template or match reads the message as JSON: binary frames are then parsed as text frames are. */
      readonly readsJson: boolean;
    };

/** Compiles a behaviour: regexes, JSONPaths and templates; problems go to `tools.issues` at their field. */
export function compileSocketBehaviour(
  behaviour: SocketBehaviour,
  at: IssuePath,
  tools: SocketCompileTools,
): CompiledSocketBehaviour {
  if (behaviour.type === 'agui') return { protocol: 'agui', behaviour };
  const reads = { json: false };
  const own = { ...tools, reads };
  const start =
    behaviour.type === 'echo'
      ? compileEcho(behaviour, at, own)
      : behaviour.type === 'push'
        ? compilePush(behaviour, at, own)
        : compileRules(behaviour, at, own);
  return { protocol: 'raw', start, readsJson: reads.json };
}

/** The endpoint serving a socket definition's compiled behaviour. */
export function socketBehaviourEndpoint(
  definition: SocketEndpointDefinition,
  compiled: { behaviour: CompiledSocketBehaviour; pattern: CompiledPathPattern },
  mount: ConnectionMount,
  environment: SocketBehaviourEnvironment,
): SocketEndpoint {
  const { behaviour, pattern } = compiled;
  const { context, drivable } = environment;
  const { gateway } = context;
  const endpoint = {
    path: definition.path,
    protocols: definition.subprotocols,
    mount,
    protocol: behaviour.protocol,
    refusal: (request: IncomingMessage) => socketTokenRefusal(gateway, request),
  };
  if (behaviour.protocol === 'raw') {
    const raw = { ...endpoint, binaryJson: behaviour.readsJson };
    return messageSocketEndpoint(raw, context.registry, context.settings, (connection, request) => {
      const params = pattern.match(connection.path)?.params ?? {};
      const { peers, join, leave } = endpointPeers(context.registry, mount);
      const conversation = new SocketConversation(connection, request, params, context.logger, peers);
      // A peer from the start: a greeting broadcast `to: all` reaches its own client too.
      join(conversation);
      let session: SocketSession;
      try {
        session = behaviour.start(conversation);
      } catch (error) {
        leave(conversation);
        throw error;
      }
      return {
        // A behaviour's bug must not reach ws's event handler (and the process): the connection says what failed.
        message(message) {
          try {
            session.message(message);
          } catch (error) {
            conversation.fault(`a message could not be handled: ${(error as Error).message}`, error);
          }
        },
        closed: (end) => {
          leave(conversation);
          session.closed(end);
        },
      };
    });
  }
  const aguiEnvironment = {
    context,
    scenarios: scenarioSelection(behaviour.behaviour.scenarios),
    runObserver: () => environment.runObserver(),
  };
  return messageSocketEndpoint(endpoint, context.registry, context.settings, (connection, request) => {
    const session = aguiSocketSession(connection, request, {
      environment: aguiEnvironment,
      whileRunning: behaviour.behaviour.whileRunning,
    });
    drivable.set(connection.id, session);
    // Forgotten once its socket is gone, so the map only holds live sessions.
    return {
      message: (message) => session.message(message),
      closing: (why) => session.closing(why),
      closed: (end) => {
        drivable.delete(connection.id);
        session.closed(end);
      },
    };
  });
}
