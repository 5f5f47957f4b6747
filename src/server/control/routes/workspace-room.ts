import type { Pack, PackName } from '../../../shared/mounts/pack';
import type { Workspace } from '../../../shared/workspace';
import { WorkspaceError } from '../../workspace/workspace-error';
import type { WorkspaceService } from '../../workspace/workspace-service';
import { workspaceHttpError } from './workspace-http-error';

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
    throw workspaceHttpError(error);
  }
}

/** `checkWorkspaceRoom` for a pack's data as a console edit would leave it (the pack's own control routes). */
export function checkPackDataRoom(workspace: WorkspaceService, pack: PackName, data: unknown): void {
  checkWorkspaceRoom(workspace, {
    packs: workspace.document().packs.map((kept) => (kept.pack === pack ? ({ ...kept, data } as Pack) : kept)),
  });
}
