import type { ControlDeps } from '../../src/server/control/control-deps';
import { controlRouters } from '../../src/server/control/control-plane';
import type { MockServer } from '../../src/server/index';

/** A route of the control API as its router declares it: its methods (without HEAD) and its path template. */
export interface ControlRoute {
  methods: string[];
  path: string;
}

/**
 * Every route of `server`'s control API: the engine's own routers and its serving packs' (AGORA's `/state/…`). Read
 * from the routers themselves, so a test that checks every route checks a new one the day it is added.
 */
export function controlApiRoutes(server: MockServer): ControlRoute[] {
  // Only the routers' tables are read: their handlers never run here.
  const deps = {
    context: server.context,
    token: server.token,
    host: '127.0.0.1',
    serverInfo: () => {
      throw new Error('not called');
    },
    runScenario: () => undefined,
    workspace: server.workspace,
  } satisfies ControlDeps;
  const routers = [
    ...controlRouters(deps, new AbortController().signal),
    ...server.context.world.packs().flatMap((pack) => pack.controlRouters),
  ];
  return routers.flatMap((router) =>
    router.stack.map((layer) => ({ methods: layer.methods.filter((m) => m !== 'HEAD'), path: String(layer.path) })),
  );
}
