import Router from '@koa/router';
import { ServerSettingsPatchSchema } from '../../../shared/settings';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { parseRequestPart } from '../../http/validation';
import type { ControlDeps } from '../control-deps';
import { checkTlsFiles } from './tls-files-check';

/** `GET /server` and `PATCH /server/settings`. */
export function serverRoutes({ context, serverInfo, workspace }: ControlDeps): Router {
  const router = new Router();
  router.get('/server', (ctx) => {
    ctx.body = serverInfo();
  });
  router.patch('/server/settings', jsonBody(context.settings), async (ctx) => {
    const patch = parseRequestPart(ServerSettingsPatchSchema, requestBody(ctx), 'body');
    if (patch.tls !== undefined) await checkTlsFiles(patch.tls, workspace, ['body', 'tls']);
    ctx.body = context.liveSettings.update(patch);
  });
  return router;
}
