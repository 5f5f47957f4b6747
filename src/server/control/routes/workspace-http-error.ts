import { HttpError } from '../../http/http-errors';
import type { WorkspaceError } from '../../workspace/workspace-error';

const STATUS_BY_REASON = {
  invalid: 422,
  'not-found': 404,
  exists: 409,
  'no-file': 409,
  'left-behind': 409,
  // The world's state, not the path: saving it anywhere fails until it is smaller.
  'too-large': 409,
} as const;

/**
 * A workspace failure as the HTTP error the control API answers, its `detail` the WorkspaceProblem (file,
 * line/column or path, problem). A disk that refuses (`io`) answers `ioStatus`: 422 where the client chose the path
 * (another path may work), 409 for the attached file (the file is as it was; the problem says why).
 */
export function workspaceHttpError(error: WorkspaceError, ioStatus: 409 | 422 = 422): HttpError {
  return new HttpError(error.reason === 'io' ? ioStatus : STATUS_BY_REASON[error.reason], error.toProblem());
}
