import { dirname } from 'node:path';
import Router from '@koa/router';
import { ServerSettingsPatchSchema, type TlsSetting } from '../../../shared/settings';
import { RequestValidationError } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { parseRequestPart } from '../../http/validation';
import { tlsFilesProblem } from '../../tls/tls-setting';
import type { WorkspaceService } from '../../workspace/workspace-service';
import type { ControlDeps } from '../control-deps';

/** `GET /server` and `PATCH /server/settings`. */
export function serverRoutes({ context, serverInfo, workspace }: ControlDeps): Router {
  const router = new Router();
  router.get('/server', (ctx) => {
    ctx.body = serverInfo();
  });
  router.patch('/server/settings', jsonBody(context.settings), async (ctx) => {
    const patch = parseRequestPart(ServerSettingsPatchSchema, requestBody(ctx), 'body');
    if (patch.tls !== undefined) await checkTlsFiles(patch.tls, workspace);
    ctx.body = context.liveSettings.update(patch);
  });
  return router;
}

/**
 * A certificate and key the next start could not serve with are refused now (422), read as `serve` reads them:
 * relative to the workspace file's folder (the working folder without one). Stored, they would keep the engine from
 * starting with its own workspace.
 */
async function checkTlsFiles(tls: TlsSetting, workspace: WorkspaceService): Promise<void> {
  const file = workspace.status().path;
  const problem = await tlsFilesProblem(tls, file ? dirname(file) : process.cwd());
  if (problem !== undefined) {
    throw new RequestValidationError([
      { type: 'value_error', loc: ['body', 'tls'], msg: `Value error, ${problem}`, input: tls },
    ]);
  }
}
