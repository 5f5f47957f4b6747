import type Router from '@koa/router';
import { patchedSettings, ServerSettingsPatchSchema } from '../../../shared/settings';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { parseRequestPart } from '../../http/validation';
import { newRouter } from '../../support/koa-router-on-first-use';
import type { ControlDeps } from '../control-deps';
import { checkTlsFiles } from './tls-files-check';
import { checkWorkspaceRoom } from './workspace-room';

/** `GET /server` and `PATCH /server/settings`. */
export function serverRoutes({ context, serverInfo, workspace }: ControlDeps): Router {
  const router = newRouter();
  router.get('/server', (ctx) => {
    ctx.body = serverInfo();
  });
  router.patch('/server/settings', jsonBody(context.settings), async (ctx) => {
    const patch = parseRequestPart(ServerSettingsPatchSchema, requestBody(ctx), 'body');
    if (patch.tls !== undefined) await checkTlsFiles(patch.tls, workspace, ['body', 'tls']);
    const change = patchedSettings(context.liveSettings.get(), patch);
    // What is changed is saved as it is set (a launch override changed is the file's from then on).
    checkWorkspaceRoom(workspace, { settings: { ...workspace.document().settings, ...change } });
    ctx.body = context.liveSettings.update(change);
  });
  return router;
}
