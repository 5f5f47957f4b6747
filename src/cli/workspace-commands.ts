import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { missingMountFiles } from '../server/routes/missing-mount-files';
import { shellWord } from '../server/support/shell-word';
import { terminalText } from '../server/support/terminal-text';
import { tlsFilesProblem } from '../server/tls/tls-setting';
import { WorkspaceError } from '../server/workspace/workspace-error';
import { createWorkspaceFile, readWorkspaceFile } from '../server/workspace/workspace-file';
import { suggestedSchemaReference } from '../server/workspace/workspace-schema-reference';
import { counted } from '../shared/counted-words';
import { WORKSPACE_VERSION, type Workspace } from '../shared/workspace';
import type { InitOptions, ValidateOptions } from './cli-options';
import { writeWorkspaceError } from './workspace-error-lines';

/** `agui-mock init [FILE] [--template …]`: a new workspace file; an existing file is never touched. */
export async function initWorkspace(options: InitOptions): Promise<number> {
  try {
    const workspace = await createWorkspaceFile(options.file, options.template);
    const file = terminalText(options.file);
    process.stdout.write(
      `created ${file} from the ${options.template} template: ${summary(workspace)}\n` +
        `run it with: agui-mock serve --workspace ${terminalText(shellWord(options.file))}\n` +
        // No `$schema` was written: this copy of agui-mock is not the project's (see `schemaReference`).
        (workspace.$schema === undefined
          ? 'for editor completion, install agui-mock in the project (npm install --save-dev agui-mock) and add ' +
            `"$schema": "${terminalText(suggestedSchemaReference(options.file))}" to the file\n`
          : ''),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof WorkspaceError)) throw error;
    writeWorkspaceError('agui-mock: ', error);
    return 1;
  }
}

/** `agui-mock validate FILE`: for CI. Exit 0 with a one-line summary, or 1 with where and what is wrong. */
export async function validateWorkspace(options: ValidateOptions): Promise<number> {
  try {
    const { workspace, migratedFrom } = await readWorkspaceFile(options.file);
    const baseDir = dirname(resolve(options.file));
    const certificateProblem = await tlsFilesProblem(workspace.settings.tls, baseDir);
    if (certificateProblem) {
      process.stderr.write(`agui-mock: ${terminalText(`${options.file}: settings.tls: ${certificateProblem}`)}\n`);
      return 1;
    }
    // Warnings, not failures: the engine looks for these per request, so a file may come later; but a misspelt
    // name would otherwise first show as a 404 at request time.
    for (const missing of await missingMountFiles(workspace, baseDir))
      process.stderr.write(
        `agui-mock: ${terminalText(`${options.file}: warning: ${missing.path}: ${missing.problem}`)}\n`,
      );
    const migration =
      migratedFrom === undefined
        ? ''
        : ` (version ${migratedFrom}: migrated to version ${WORKSPACE_VERSION} when opened, the original kept as .bak)`;
    process.stdout.write(
      `${terminalText(`${options.file}: valid workspace "${workspace.name}", version ${WORKSPACE_VERSION}${migration}: ${summary(workspace)}`)}\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof WorkspaceError)) throw error;
    // For CI: every problem at once, one per line, rather than one per run.
    writeWorkspaceError('agui-mock: ', error);
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

/** `2 routes, 1 agent, 4 scenarios; pack agora-mock (3 users, 4 sessions)`: what it mounts (none left out). */
function summary(workspace: Workspace): string {
  const kinds: [number, string][] = [
    [workspace.routes.length, 'route'],
    [workspace.collections.length, 'collection'],
    [workspace.staticFolders.length, 'static folder'],
    [workspace.sockets.length, 'socket'],
    [workspace.agents.length, 'agent'],
  ];
  const mounts = [
    ...kinds.filter(([n]) => n > 0).map(([n, word]) => counted(n, word)),
    counted(workspace.scenarios.length, 'scenario'),
  ].join(', ');
  const packs = workspace.packs.map((pack) => {
    const data = pack.data as { users?: unknown[]; sessions?: unknown[] };
    const inside = [
      ...(Array.isArray(data.users) ? [counted(data.users.length, 'user')] : []),
      ...(Array.isArray(data.sessions) ? [counted(data.sessions.length, 'session')] : []),
    ];
    return `pack ${pack.pack}${inside.length > 0 ? ` (${inside.join(', ')})` : ''}`;
  });
  return [mounts, ...packs].join('; ');
}
