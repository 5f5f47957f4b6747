import type { Workspace } from '../../shared/workspace';
import { WORKSPACE_MAX_BYTES } from '../../shared/workspace-max-bytes';
import { describeBytes, describeMegabytes } from './bounded-file';
import { DocumentBytes } from './document-bytes';
import { pacedWorkspaceChunks } from './workspace-codec';
import { WorkspaceError } from './workspace-error';

/** What a workspace past WORKSPACE_MAX_BYTES is, in words. */
export const TOO_LARGE_TO_OPEN = `larger than ${describeBytes(WORKSPACE_MAX_BYTES)}, the largest file the engine opens`;

/**
 * A document a save (or an export: `then`) stopped writing at WORKSPACE_MAX_BYTES: the engine would refuse to open
 * the file.
 */
export class WorkspaceTooLarge extends Error {
  constructor(then: 'save' | 'export' = 'save') {
    super(
      `the workspace is ${TOO_LARGE_TO_OPEN}: ` +
        'lower the history limits (maxRecordedBytes, maxRecordedMessages, maxRecordedMessagesPerSession, ' +
        `maxRecordedSessions) or delete sessions, large records or large routes, then ${then} again`,
    );
  }
}

/**
 * An edit refused before it was stored (`WorkspaceService.checkRoom`): it would make the workspace `after` bytes as
 * its file writes it, past WORKSPACE_MAX_BYTES, from `before` now. Answered as a save too large is (`too-large`).
 */
export function editTooLarge(file: string, after: number, before: number): WorkspaceError {
  return new WorkspaceError({
    operation: 'save',
    reason: 'too-large',
    file,
    problem:
      `this change would make the workspace ${describeMegabytes(after)} as its file writes it, ${TOO_LARGE_TO_OPEN}, so it could ` +
      `not be saved: nothing was changed (the workspace is ${describeMegabytes(before)} now). Delete or shrink large routes, ` +
      'records, scenarios or sessions, or lower the history limits (maxRecordedBytes, …), then try again',
  });
}

/** Counts the bytes of the chunks it is given, in order: throws WorkspaceTooLarge once they pass the limit. */
function workspaceLimit(then?: 'save' | 'export'): (chunk: string | Uint8Array) => void {
  let bytes = 0;
  return (chunk) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk, 'utf8') : chunk.byteLength;
    if (bytes > WORKSPACE_MAX_BYTES) throw new WorkspaceTooLarge(then);
  };
}

/**
 * `data` as it is written, counted on the way (the chunks are already made; nothing is encoded again): throws
 * WorkspaceTooLarge once it passes WORKSPACE_MAX_BYTES, which abandons the atomic write it feeds, so the file on
 * disk stays as it was.
 */
export function* withinWorkspaceLimit(data: string | Iterable<string | Uint8Array>): Generator<string | Uint8Array> {
  const count = workspaceLimit();
  for (const chunk of typeof data === 'string' ? [data] : data) {
    count(chunk);
    yield chunk;
  }
}

/**
 * The file's text of `workspace` for a download named `file`, in chunks made one per turn of the event loop (the
 * engine keeps serving meanwhile), all of them before any is sent: a document the engine could not open again is
 * refused as a save is (a WorkspaceError `too-large`), not sent as a file its import would refuse. Up to the limit
 * is held meanwhile.
 */
export async function exportableChunks(workspace: Workspace, file: string): Promise<string[]> {
  const count = workspaceLimit('export');
  const chunks: string[] = [];
  try {
    for await (const chunk of pacedWorkspaceChunks(workspace)) {
      count(chunk);
      chunks.push(chunk);
    }
  } catch (error) {
    if (!(error instanceof WorkspaceTooLarge)) throw error;
    throw new WorkspaceError({
      operation: 'save',
      reason: 'too-large',
      file,
      problem: `${error.message} (nothing was exported)`,
    });
  }
  return chunks;
}

/**
 * What a workspace too large to save once written is refused as, by what found it: a file read (opened, validated,
 * served, reloaded), or a workspace made whole in one step (an import, routes merged into a file), which changes
 * nothing.
 */
const UNSAVABLE = {
  read: (bytes: number) =>
    `written as the engine saves it (indented), the workspace would be ${describeMegabytes(bytes)}, ${TOO_LARGE_TO_OPEN}, ` +
    'so no save could take it: make it smaller (large routes, records, scenarios or sessions) and open it again',
  import: () =>
    `written as a file, the workspace would be ${TOO_LARGE_TO_OPEN}, so it could be neither saved nor opened again: ` +
    'nothing was changed (import less, or make room in the workspace first)',
};

/**
 * A workspace (`as`: a file read, or an import) that is within the limit as it came but larger once written as the
 * engine saves it — compact JSON, which a save indents — is refused with a WorkspaceError naming `file`: it would be
 * served, and then refuse every save and every edit that grows it. Measured, not encoded, by `measure`: pass one that
 * measures the world once it is served (`WorkspaceService`), and what it remembers is not measured again.
 */
export function refuseUnsavable(
  workspace: Workspace,
  file: string,
  as: keyof typeof UNSAVABLE,
  measure = new DocumentBytes(),
): void {
  const bytes = measure.of(workspace);
  if (bytes <= WORKSPACE_MAX_BYTES) return;
  throw new WorkspaceError({ operation: 'load', file, problem: UNSAVABLE[as](bytes) });
}
