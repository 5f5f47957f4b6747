import { silentLogger, startMockServer } from '../../src/server/index';
import { RouteSchema } from '../../src/shared/mounts/route';
import { serveAsChild } from '../child-protocol';
import { benchRoutes } from '../route-table';

export interface EngineChildPayload {
  /** Scenario speed: 0 plays runs without waiting, 1 on their scripted timeline. */
  speed: number;
  /** User routes to mount (`bench/route-table.ts`), for the route-table phase; none by default. */
  userRoutes?: number;
}

/** Server under test: the real engine with a silent logger; its request log is always on. */
serveAsChild(async (payload) => {
  const { speed, userRoutes } = payload as EngineChildPayload;
  const server = await startMockServer({ port: 0, logger: silentLogger, settings: { speed } });
  if (userRoutes)
    server.context.world.replaceSection(
      'routes',
      benchRoutes(userRoutes).map((route) => RouteSchema.parse(route)),
    );
  return { url: server.url, token: server.token, stop: () => server.close() };
});
