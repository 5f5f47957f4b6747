import type Router from '@koa/router';
import { newRouter } from '../../../support/koa-router-on-first-use';

export const SERVICE_NAME = 'agora-mock';
export const SERVICE_VERSION = '1.0.0';

/** `/health` and `/`: what AGORA's mock answers about itself. */
export function serviceRoutes(): Router {
  const router = newRouter();
  router.get('/health', (ctx) => {
    ctx.body = { status: 'healthy', service: SERVICE_NAME, protocol: 'ag-ui' };
  });
  router.get('/', (ctx) => {
    ctx.body = {
      service: SERVICE_NAME,
      version: SERVICE_VERSION,
      protocol: 'ag-ui',
      endpoints: {
        websocket: '/ws',
        sessions: '/sessions',
        history: '/sessions/{session_id}/history',
        users: '/users',
        currentUser: '/users/me',
        agents: '/agents',
      },
    };
  });
  return router;
}
