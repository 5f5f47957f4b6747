import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Workspace } from '../../shared/workspace';
import { fileKind } from '../support/file-kind';
import { workspaceFilePath } from './workspace-file';

/** A file or folder a mount names that is not there: where it is named (`routes.0.responses.0.body.file`) and what. */
export interface MissingMountFile {
  path: string;
  problem: string;
}

/**
 * The response files and static folders `workspace` names that are not on disk, resolved from `baseDir` (the
 * workspace file's folder) as the engine resolves them. Not errors: the engine looks for them per request (a file
 * may be written later), but a CI `validate` is where a misspelt name should surface. A templated file name
 * (`data/{{params.id}}.json`) names no one file and is not looked at; names the schema or compile checks refuse
 * (absolute, outside the folder, hidden) are theirs to report.
 */
export async function missingMountFiles(workspace: Workspace, baseDir: string): Promise<MissingMountFile[]> {
  const found: MissingMountFile[] = [];
  for (const [routeIndex, route] of workspace.routes.entries())
    for (const [responseIndex, response] of route.responses.entries()) {
      const file = response.body && 'file' in response.body ? response.body.file : undefined;
      if (file === undefined || (response.template && file.includes('{{'))) continue;
      const place = workspaceFilePath(baseDir, file);
      if ('problem' in place) continue;
      const problem = await absence(place.path, file, baseDir, 'file');
      if (problem) found.push({ path: `routes.${routeIndex}.responses.${responseIndex}.body.file`, problem });
    }
  for (const [index, folder] of workspace.staticFolders.entries()) {
    if (folder.folder.includes('\0')) continue;
    const problem = await absence(resolve(baseDir, folder.folder), folder.folder, baseDir, 'folder');
    if (problem) found.push({ path: `staticFolders.${index}.folder`, problem });
  }
  return found;
}

async function absence(path: string, name: string, baseDir: string, want: 'file' | 'folder') {
  const where = `(relative to ${resolve(baseDir)})`;
  try {
    const stats = await stat(path);
    const right = want === 'file' ? stats.isFile() : stats.isDirectory();
    if (right) return undefined;
    return `${name} is not a ${want}: it is ${stats.isFile() ? 'a file' : fileKind(stats)} ${where}`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `${name} does not exist ${where}`;
    return `${name} cannot be looked at (${code ?? String(error)}) ${where}`;
  }
}
