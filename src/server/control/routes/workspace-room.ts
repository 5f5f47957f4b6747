import type { Workspace } from '../../../shared/workspace';
import { HttpError } from '../../http/http-errors';
import { WorkspaceError } from '../../workspace/workspace-error';
import type { WorkspaceService } from '../../workspace/workspace-service';

/**
 * Refuses a control API edit that would make the workspace larger than a file may be (`WorkspaceService.checkRoom`),
 * before it is stored: `409 {"detail": WorkspaceProblem}`, as a save or export refused for its size answers.
 * `change`: the parts of the document as the edit would leave them.
 */
export function checkWorkspaceRoom(workspace: WorkspaceService, change: Partial<Workspace>): void {
  try {
    workspace.checkRoom(change);
  } catch (error) {
    if (!(error instanceof WorkspaceError)) throw error;
    throw new HttpError(409, error.toProblem());
  }
}
