import type { ConnectionMount } from '../../../shared/connections';
import type { ConnectionRegistry } from '../connection-registry';
import type { SocketConversation } from './socket-conversation';

/** The conversations open on one endpoint: who a broadcast may reach. */
export type SocketPeers = ReadonlySet<SocketConversation>;

/**
 * Each engine's endpoints (keyed by its registry, so two engines in one process never meet), by the mount's pack
 * and id. Keyed by the mount, not the compiled endpoint: a connection keeps the endpoint it came through when the
 * socket is edited, and the clients on either side of an edit are still one room.
 */
const byEngine = new WeakMap<ConnectionRegistry, Map<string, Set<SocketConversation>>>();

/**
 * The peers of a connection opening on `mount`: `join` adds its conversation, `leave` (once its socket is gone) takes
 * it out again. An endpoint without connections keeps nothing.
 */
export function endpointPeers(registry: ConnectionRegistry, mount: ConnectionMount) {
  let endpoints = byEngine.get(registry);
  if (!endpoints) {
    endpoints = new Map();
    byEngine.set(registry, endpoints);
  }
  const key = `${mount.pack ?? ''}\n${mount.id}`;
  let peers = endpoints.get(key);
  if (!peers) {
    peers = new Set();
    endpoints.set(key, peers);
  }
  const joined = peers;
  const kept = endpoints;
  return {
    peers: joined as SocketPeers,
    join: (conversation: SocketConversation) => joined.add(conversation),
    leave: (conversation: SocketConversation) => {
      joined.delete(conversation);
      if (joined.size === 0 && kept.get(key) === joined) kept.delete(key);
    },
  };
}
