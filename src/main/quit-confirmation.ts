import type { WorkspaceStatus } from '../shared/workspace';
import type { UnsavedWorkspaceAnswer } from './dialogs';

export interface QuitConfirmationDeps {
  /** The engine's workspace status; undefined when no engine runs. */
  status(): WorkspaceStatus | undefined;
  ask(name: string): Promise<UnsavedWorkspaceAnswer>;
  /** A file to save into, or null when the person cancelled the dialog. */
  chooseFile(name: string): Promise<string | null>;
  saveAs(path: string): Promise<unknown>;
  /** A save that failed: said to the person, and the app stays open with the world as it was. */
  report(error: unknown): void;
}

/**
 * Whether the app may quit now. An untitled world changed in the console would be lost: the person chooses to save
 * it (then it quits once the file is written), quit without it, or stay. A world in a file needs no question:
 * closing the engine saves it, or keeps what it cannot save beside the file. Changes clients made (runs recorded,
 * REST writes) are not asked about.
 */
export async function confirmQuit(deps: QuitConfirmationDeps): Promise<boolean> {
  const status = deps.status();
  if (!status || status.path !== null || !status.edited) return true;
  const answer = await deps.ask(status.name);
  if (answer !== 'save') return answer === 'discard';
  const path = await deps.chooseFile(status.name);
  if (path === null) return false;
  try {
    await deps.saveAs(path);
    return true;
  } catch (error) {
    deps.report(error);
    return false;
  }
}
