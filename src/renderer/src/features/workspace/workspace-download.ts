import type { Workspace } from '../../../../shared/workspace';
import { workspaceFileName } from '../../../../shared/workspace-file-name';

/** Hands the document to the browser as a download (the engine is not asked to write anywhere). */
export function downloadWorkspace(document: Workspace): void {
  const blob = new Blob([`${JSON.stringify(document, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = window.document.createElement('a');
  link.href = url;
  link.download = workspaceFileName(document.name);
  link.click();
  // The click has started the download; the object URL is only needed until then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
