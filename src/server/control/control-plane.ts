import { setMaxListeners } from 'node:events';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { SocketEndpoint } from '../ws/socket-server';
import { consoleArea } from './console-area';
import type { ControlDeps } from './control-deps';
import { LiveFeed, type LiveFeedOptions } from './live-feed';
import { collectionRecordRoutes } from './routes/collection-record-routes';
import { connectionRoutes } from './routes/connection-routes';
import { importRoutes } from './routes/import-routes';
import { injectRoutes } from './routes/inject-routes';
import { mountRoutes } from './routes/mount-routes';
import { packRoutes } from './routes/pack-routes';
import { payloadRoutes } from './routes/payload-routes';
import { recordingRoutes } from './routes/recording-routes';
import { requestRoutes } from './routes/request-routes';
import { scenarioRoutes } from './routes/scenario-routes';
import { serverRoutes } from './routes/server-routes';
import { socketMessageRoutes } from './routes/socket-message-routes';
import { workspaceRoutes } from './routes/workspace-routes';

export interface ControlPlane {
  /** Handles `/__console/*`; mount first in the HTTP pipeline. */
  middleware: Middleware;
  socketEndpoints: SocketEndpoint[];
  feed: LiveFeed;
  close(): void;
}

/**
 * The engine's own routes of the control API, in the order they are tried (the serving packs' come after them).
 * `closing` stops work that would outlive the engine.
 */
export function controlRouters(deps: ControlDeps, closing: AbortSignal): Router[] {
  return [
    serverRoutes(deps),
    connectionRoutes(deps),
    injectRoutes(deps),
    socketMessageRoutes(deps),
    requestRoutes(deps),
    // Before the mounts' generic routes: `/routes/import-openapi` is not a route's id.
    importRoutes(deps, closing),
    mountRoutes(deps),
    collectionRecordRoutes(deps),
    packRoutes(deps),
    scenarioRoutes(deps),
    workspaceRoutes(deps),
    recordingRoutes(deps),
    payloadRoutes(deps),
  ];
}

/** The console's side of the engine: its API routes, live feed and static files, in one place. */
export function createControlPlane(
  deps: ControlDeps,
  rendererDir: string | undefined,
  feedOptions: Partial<LiveFeedOptions> = {},
): ControlPlane {
  const feed = new LiveFeed(deps, feedOptions);
  // Aborted on closing: work the console asked for that would outlive the engine (an OpenAPI import) stops.
  const closing = new AbortController();
  // One listener per import waiting its turn: as many as the console sends, not a leak.
  setMaxListeners(Number.POSITIVE_INFINITY, closing.signal);
  const routers = controlRouters(deps, closing.signal);
  // Workspace status changes are rare: published always rather than only while the feed has subscribers.
  const stopWorkspaceFeed = deps.workspace.subscribe((status) => feed.publish({ type: 'workspace-changed', status }));
  return {
    middleware: consoleArea(deps, routers, () => deps.context.world.controlMiddleware(), rendererDir),
    socketEndpoints: [feed.endpoint()],
    feed,
    close: () => {
      closing.abort();
      stopWorkspaceFeed();
      feed.close();
    },
  };
}
