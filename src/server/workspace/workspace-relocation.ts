import { stat } from 'node:fs/promises';
import type { Route } from '../../shared/mounts/route';
import type { StaticFolder } from '../../shared/mounts/static-folder';
import type { Workspace } from '../../shared/workspace';
import { templateFolder, workspaceFilePath } from '../routes/workspace-file';
import { rebasedPath } from '../support/rebased-path';
import { rebasedTlsSetting } from '../tls/tls-setting';
import { relocatedSchemaReference } from './workspace-schema-reference';

/** Longest a static folder's and a certificate file's path may be (their schemas' limits). */
const STATIC_FOLDER_MAX = 1000;
const TLS_FILE_MAX = 4096;

/** Something a workspace names that cannot follow its file into another folder. */
export interface LeftBehind {
  /** Dotted field path in the workspace (`routes.2.responses.0.body.file`). */
  path: string;
  problem: string;
}

/**
 * A workspace about to be written into another folder (`save as`), as that folder reads it, and what cannot follow
 * it there. Paths a workspace may point anywhere with — static folders, the certificate and key — are rebased
 * (`certs/a.pem` from `/p/old` to `/p/new` is `../old/certs/a.pem`); absolute ones stay as they are; `$schema` as
 * `relocatedSchemaReference` says. Files routes
 * answer with must lie inside the workspace file's folder (a request must never reach beyond it), so they are not
 * rebased: each one that is here and not there is left behind (see `routeFilesLeftBehind`).
 */
export async function relocateWorkspace(
  document: Workspace,
  from: string,
  to: string,
): Promise<{ workspace: Workspace; leftBehind: LeftBehind[] }> {
  const workspace = rebasedWorkspace(document, from, to);
  const leftBehind = tooLong(workspace);
  for (const [index, route] of document.routes.entries()) {
    leftBehind.push(...(await routeFilesLeftBehind(route, `routes.${index}`, from, to)));
  }
  return { workspace, leftBehind };
}

/** The workspace with its static folders, certificate files and `$schema` rebased from `from` to `to`. */
function rebasedWorkspace(document: Workspace, from: string, to: string): Workspace {
  const { $schema, ...rest } = document;
  const schema = $schema === undefined ? undefined : relocatedSchemaReference($schema, from, to);
  return {
    ...(schema !== undefined && { $schema: schema }),
    ...rest,
    settings: { ...document.settings, tls: rebasedTlsSetting(document.settings.tls, from, to) },
    staticFolders: rebasedStaticFolders(document.staticFolders, from, to),
  };
}

/** Static folders with relative `folder`s rebased from `from` to `to` (the same folders, seen from there). */
export function rebasedStaticFolders(folders: readonly StaticFolder[], from: string, to: string): StaticFolder[] {
  return folders.map((folder) => {
    const rebased = rebasedPath(folder.folder, from, to);
    return rebased === folder.folder ? folder : { ...folder, folder: rebased };
  });
}

/** Rebased paths longer than their fields allow (a deep folder seen from far away). */
function tooLong(workspace: Workspace): LeftBehind[] {
  const found: LeftBehind[] = [];
  for (const [index, folder] of workspace.staticFolders.entries()) {
    if (folder.folder.length > STATIC_FOLDER_MAX)
      found.push({
        path: `staticFolders.${index}.folder`,
        problem: `the folder's path from there is longer than ${STATIC_FOLDER_MAX} characters`,
      });
  }
  const tls = workspace.settings.tls;
  if (typeof tls === 'object') {
    for (const key of ['cert', 'key'] as const) {
      if (tls[key].length > TLS_FILE_MAX)
        found.push({
          path: `settings.tls.${key}`,
          problem: `the file's path from there is longer than ${TLS_FILE_MAX} characters`,
        });
    }
  }
  return found;
}

/**
 * The files `route` answers with that are in `from` and not in `to`. A templated name
 * (`data/user-{{params.id}}.json`) counts by its folder (`data/`); one in the workspace's own folder
 * (`{{params.name}}.json`) cannot be told apart from the rest of it and is not checked.
 */
async function routeFilesLeftBehind(route: Route, at: string, from: string, to: string): Promise<LeftBehind[]> {
  const found: LeftBehind[] = [];
  for (const [index, response] of route.responses.entries()) {
    const body = response.body;
    if (!body || !('file' in body)) continue;
    const path = `${at}.responses.${index}.body.file`;
    const served = `${route.method} ${route.path} (route ${route.id})`;
    if (response.template && body.file.includes('{{')) {
      const folder = templateFolder(body.file);
      if (folder && (await isKind(from, folder, 'folder')) && !(await isKind(to, folder, 'folder')))
        found.push({ path, problem: `${served} answers with files from ${folder}/, which is not in ${to}` });
    } else if ((await isKind(from, body.file, 'file')) && !(await isKind(to, body.file, 'file'))) {
      found.push({ path, problem: `${served} answers with ${body.file}, which is not in ${to}` });
    }
  }
  return found;
}

/** Whether `name` in `folder`, by the rules a route's file is served by, is a file (or a folder). */
async function isKind(folder: string, name: string, kind: 'file' | 'folder'): Promise<boolean> {
  const place = workspaceFilePath(folder, name);
  if ('problem' in place) return false;
  try {
    const found = await stat(place.path);
    return kind === 'file' ? found.isFile() : found.isDirectory();
  } catch {
    return false;
  }
}
