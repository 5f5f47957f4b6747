import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WorkspaceError } from '../server/workspace/workspace-error';
import { createWorkspaceFile, readWorkspaceFile } from '../server/workspace/workspace-file';
import { WORKSPACE_VERSION } from '../shared/workspace';
import type { InitOptions, ValidateOptions } from './cli-options';

/** `agui-mock init [FILE] [--template …]`: a new workspace file; an existing file is never touched. */
export async function initWorkspace(options: InitOptions): Promise<number> {
  try {
    const workspace = await createWorkspaceFile(options.file, options.template);
    process.stdout.write(
      `created ${options.file} from the ${options.template} template: ${summary(workspace.agora.users.length, workspace.agora.sessions.length, workspace.scenarios.length)}\n` +
        `run it with: agui-mock serve --workspace ${options.file}\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof WorkspaceError)) throw error;
    process.stderr.write(`agui-mock: ${error.message}\n`);
    return 1;
  }
}

/** `agui-mock validate FILE`: for CI. Exit 0 with a one-line summary, or 1 with where and what is wrong. */
export async function validateWorkspace(options: ValidateOptions): Promise<number> {
  try {
    const { workspace, migratedFrom } = await readWorkspaceFile(options.file);
    const migration =
      migratedFrom === undefined
        ? ''
        : ` (version ${migratedFrom}: migrated to version ${WORKSPACE_VERSION} when opened, the original kept as .bak)`;
    process.stdout.write(
      `${options.file}: valid workspace "${workspace.name}", version ${WORKSPACE_VERSION}${migration}: ${summary(workspace.agora.users.length, workspace.agora.sessions.length, workspace.scenarios.length)}\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof WorkspaceError)) throw error;
    process.stderr.write(`agui-mock: ${error.message}\n`);
    return 1;
  }
}

/** Whether `serve --workspace FILE` is about to create FILE (so the CLI can say so). */
export async function workspaceMissing(file: string): Promise<boolean> {
  return stat(resolve(file)).then(
    () => false,
    (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
  );
}

function summary(users: number, sessions: number, scenarios: number): string {
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${count(users, 'user')}, ${count(sessions, 'session')}, ${count(scenarios, 'scenario')}`;
}
