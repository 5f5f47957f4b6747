import Router from '@koa/router';
import { ServerSettingsPatchSchema } from '../../../shared/settings';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { parseRequestPart } from '../../http/validation';
import type { ControlDeps } from '../control-deps';

/** `GET /server` and `PATCH /server/settings`. */
export function serverRoutes({ context, serverInfo }: ControlDeps): Router {
  const router = new Router();
  router.get('/server', (ctx) => {
    ctx.body = serverInfo();
  });
  router.patch('/server/settings', jsonBody(context.settings), (ctx) => {
    ctx.body = context.liveSettings.update(parseRequestPart(ServerSettingsPatchSchema, requestBody(ctx), 'body'));
  });
  return router;
}
