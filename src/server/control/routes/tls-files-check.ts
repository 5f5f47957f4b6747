import { dirname } from 'node:path';
import type { TlsSetting } from '../../../shared/settings';
import { RequestValidationError } from '../../http/http-errors';
import { tlsFilesProblem } from '../../tls/tls-setting';
import type { WorkspaceService } from '../../workspace/workspace-service';

/**
 * A certificate and key the next start could not serve with are refused now (422 at `loc`), read as `serve` reads
 * them: relative to the workspace file's folder (the working folder without one). Stored, they would keep the engine
 * from starting with its own workspace.
 */
export async function checkTlsFiles(
  tls: TlsSetting,
  workspace: WorkspaceService,
  loc: (string | number)[],
): Promise<void> {
  const file = workspace.status().path;
  const problem = await tlsFilesProblem(tls, file ? dirname(file) : process.cwd());
  if (problem !== undefined) {
    throw new RequestValidationError([{ type: 'value_error', loc, msg: `Value error, ${problem}`, input: tls }]);
  }
}
