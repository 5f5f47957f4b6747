import { silentLogger, startMockServer, tuneEngineGc } from '../../src/server/index';
import { CollectionSchema } from '../../src/shared/mounts/collection';
import { RouteSchema } from '../../src/shared/mounts/route';
import { ServerSettingsSchema } from '../../src/shared/settings';
import { serveAsChild } from '../child-protocol';
import { REST_USER_COLLECTIONS, REST_USER_ROUTES } from '../rest-user-mounts';
import { benchRoutes } from '../route-table';

export interface EngineChildPayload {
  /** Scenario speed: 0 plays runs without waiting, 1 on their scripted timeline. */
  speed: number;
  /** User routes to mount (`bench/route-table.ts`), for the route-table phase; none by default. */
  userRoutes?: number;
  /** Mounts the REST phase's own route and collection (`bench/rest-user-mounts.ts`). */
  restUserMounts?: boolean;
}

/**
 * Server under test: the real engine with a silent logger, in a process set up as the CLI's and the app's are
 * (`tuneEngineGc`); its request log is always on. `BENCH_ENGINE_SETTINGS`
 * (JSON, checked like any settings) overrides settings, as a diagnostic (`{"retainedMemoryBytes": 134217728}`).
 */
serveAsChild(async (payload) => {
  const { speed, userRoutes, restUserMounts } = payload as EngineChildPayload;
  // As `agui-mock serve` and the desktop app set up the process the engine runs in.
  tuneEngineGc();
  const overrides = ServerSettingsSchema.partial().parse(JSON.parse(process.env.BENCH_ENGINE_SETTINGS ?? '{}'));
  const server = await startMockServer({ port: 0, logger: silentLogger, settings: { ...overrides, speed } });
  if (userRoutes)
    server.context.world.replaceSection(
      'routes',
      benchRoutes(userRoutes).map((route) => RouteSchema.parse(route)),
    );
  if (restUserMounts) {
    server.context.world.replaceSection(
      'routes',
      REST_USER_ROUTES.map((route) => RouteSchema.parse(route)),
    );
    server.context.world.replaceSection(
      'collections',
      REST_USER_COLLECTIONS.map((collection) => CollectionSchema.parse(collection)),
    );
  }
  return { url: server.url, token: server.token, stop: () => server.close() };
});
