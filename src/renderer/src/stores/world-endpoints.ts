import { useMemo } from 'react';
import type { EndpointInfo, ServerInfo } from '../../../shared/control-api';
import type { Mount } from '../../../shared/mounts/mount-sections';
import type { SocketBehaviour } from '../../../shared/mounts/socket-endpoint';
import { useMountsStore } from './mounts-store';
import { useServerStore } from './server-store';

/** A WebSocket endpoint or an agent the world serves, with what it speaks. */
export interface WorldEndpoint extends EndpointInfo {
  kind: 'socket' | 'agent';
  /** `socket:ws`, `agent:chat`: names it in a picker (ids are unique per kind only). */
  key: string;
  /** What a socket does with messages; agents speak AG-UI over HTTP. Null while the socket's mount is not known. */
  behaviour: SocketBehaviour['type'] | null;
  /** It answers a RunAgentInput with AG-UI events (an agui socket, any agent). */
  agui: boolean;
}

/**
 * Every enabled socket and agent the engine lists, with their behaviours from the workspace's socket mounts. The
 * packs' sockets are not in those mounts: every pack declares AGORA's socket, which plays AG-UI runs.
 */
export function worldEndpoints(
  endpoints: ServerInfo['endpoints'],
  socketMounts: readonly Mount<'sockets'>[],
): WorldEndpoint[] {
  const behaviours = new Map(socketMounts.map((mount) => [mount.id, mount.behaviour.type]));
  return [
    ...endpoints.sockets.map((socket): WorldEndpoint => {
      const behaviour = socket.pack ? 'agui' : (behaviours.get(socket.id) ?? null);
      return { ...socket, kind: 'socket', key: `socket:${socket.id}`, behaviour, agui: behaviour === 'agui' };
    }),
    ...endpoints.agents.map(
      (agent): WorldEndpoint => ({ ...agent, kind: 'agent', key: `agent:${agent.id}`, behaviour: null, agui: true }),
    ),
  ];
}

/** The AG-UI endpoints a client can reach (a plain path): the sockets first, as AGORA's frontend connects. */
export function aguiEndpoints(endpoints: readonly WorldEndpoint[]): WorldEndpoint[] {
  return endpoints.filter((endpoint) => endpoint.agui && endpoint.url !== null);
}

/** The one address to show first: an AG-UI socket, else an agent, else any socket; null when there is none. */
export function mainEndpoint(endpoints: readonly WorldEndpoint[]): WorldEndpoint | null {
  const reachable = endpoints.filter((endpoint) => endpoint.url !== null);
  return (
    reachable.find((endpoint) => endpoint.kind === 'socket' && endpoint.agui) ??
    reachable.find((endpoint) => endpoint.kind === 'agent') ??
    reachable[0] ??
    null
  );
}

/** The world's endpoints as the console knows them now. */
export function useWorldEndpoints(): WorldEndpoint[] {
  const endpoints = useServerStore((state) => state.info?.endpoints);
  const sockets = useMountsStore((state) => state.sections.sockets);
  return useMemo(() => (endpoints ? worldEndpoints(endpoints, sockets) : []), [endpoints, sockets]);
}

/** `worldEndpoints` outside React (the Try it client). */
export function currentWorldEndpoints(): WorldEndpoint[] {
  const endpoints = useServerStore.getState().info?.endpoints;
  return endpoints ? worldEndpoints(endpoints, useMountsStore.getState().sections.sockets) : [];
}

/** Whether an AGORA pack (its users, sessions and /users/me) serves. */
export const agoraServes = (info: Pick<ServerInfo, 'packs'> | null): boolean =>
  info?.packs.some((pack) => pack.startsWith('agora-')) ?? false;

/** `agoraServes` for the console's components: AGORA words and parts only while one of its packs serves. */
export const useAgoraServes = (): boolean => useServerStore((state) => agoraServes(state.info));

/** The AG-UI endpoint a client uses: the one picked while it is still served, else the first (a socket first). */
export function pickAguiEndpoint(endpoints: readonly WorldEndpoint[], picked: string | null): WorldEndpoint | null {
  const choices = aguiEndpoints(endpoints);
  return choices.find((endpoint) => endpoint.key === picked) ?? choices[0] ?? null;
}
