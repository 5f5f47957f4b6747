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

/**
 * Reads an uploaded file's text, saying what is wrong when it is not JSON. The text goes to the engine as it is: parsed
 * and written again here, a key written twice would lose one copy without a word, where the engine refuses it.
 */
export async function readWorkspaceUpload(file: File): Promise<string> {
  const text = await file.text();
  try {
    JSON.parse(text);
  } catch (error) {
    throw new Error(`${file.name} is not JSON: ${(error as Error).message}`);
  }
  return text;
}
