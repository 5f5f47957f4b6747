import type { Middleware } from 'koa';
import type { WorkspaceService } from '../workspace/workspace-service';

/** Methods that only read: nothing they do is a person's change to the world. */
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Tells the workspace that a control API request that may write is being handled, so the changes it makes count
 * as a person's edits (`WorkspaceStatus.edited`), apart from what clients' traffic changes.
 */
export function consoleEdits(workspace: WorkspaceService): Middleware {
  return (ctx, next) => (READS.has(ctx.method) ? next() : workspace.consoleWrite(next));
}
