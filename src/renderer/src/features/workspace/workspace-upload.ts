import { IMPORTED_DOCUMENT, type WorkspaceStatus } from '../../../../shared/workspace';
import { WORKSPACE_MAX_BYTES } from '../../../../shared/workspace-max-bytes';
import { ApiError } from '../../api/api-error';
import { api } from '../../api/control-client';
import { formatBytes } from '../../ui/format';

/**
 * Imports an uploaded file: its bytes go to the engine as they are, read there as a workspace file is (text that is
 * not UTF-8, malformed JSON with its line and column, a key written twice), and a refusal names the file. Parsed
 * here first, the browser's own message would stand in for the engine's; decoded here, bytes that are not UTF-8
 * would reach it as U+FFFD. What cannot be a workspace (empty, past the engine's limit) is not sent.
 */
export async function importWorkspaceUpload(file: File): Promise<WorkspaceStatus> {
  const choose = 'choose a workspace file (one exported or saved, *.agui.json)';
  if (file.size === 0) throw new Error(`${file.name} is empty: ${choose}`);
  if (file.size > WORKSPACE_MAX_BYTES) {
    throw new Error(
      `${file.name} is larger than ${formatBytes(WORKSPACE_MAX_BYTES)}, the largest workspace the engine imports: ${choose}`,
    );
  }
  let bytes: ArrayBuffer;
  try {
    bytes = await file.arrayBuffer();
  } catch (error) {
    // Moved, deleted or changed on disk since it was chosen.
    throw new Error(`${file.name} could not be read (${(error as Error).message}): choose it again`);
  }
  try {
    return await api.importWorkspace(bytes);
  } catch (error) {
    throw error instanceof ApiError ? new Error(namingUpload(error, file.name)) : error;
  }
}

/** The engine's refusal, naming the uploaded file: its problems' place is `import:4:3`, for a body of no file. */
function namingUpload(error: ApiError, name: string): string {
  const detail = (error.body as { detail?: { file?: unknown } } | null)?.detail;
  const problemOfDocument = typeof detail === 'object' && detail?.file === IMPORTED_DOCUMENT;
  if (problemOfDocument && error.message.startsWith(IMPORTED_DOCUMENT))
    return `${name}${error.message.slice(IMPORTED_DOCUMENT.length)}`;
  return `${name}: ${error.message}`;
}
