import { dirname } from 'node:path';
import Router from '@koa/router';
import { ServerSettingsPatchSchema, type TlsSetting } from '../../../shared/settings';
import { RequestValidationError } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { parseRequestPart } from '../../http/validation';
import { TlsError } from '../../tls/tls-error';
import { readTlsFiles } from '../../tls/tls-setting';
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
  if (typeof tls !== 'object') return;
  const file = workspace.status().path;
  try {
    await readTlsFiles(tls, file ? dirname(file) : process.cwd());
  } catch (error) {
    if (!(error instanceof TlsError)) throw error;
    throw new RequestValidationError([
      { type: 'value_error', loc: ['body', 'tls'], msg: `Value error, ${error.message}`, input: tls },
    ]);
  }
}
