import { open, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { WORKSPACE_SCHEMA_FILE, type Workspace, WorkspaceSchema, type WorkspaceTemplate } from '../../shared/workspace';
import { packageRoot } from '../support/package-root';
import { type DecodedWorkspace, decodeWorkspaceText, encodeWorkspace } from './workspace-codec';
import { WorkspaceError } from './workspace-error';
import { describeFsError } from './workspace-fs-errors';
import { workspaceTemplate } from './workspace-templates';

/** Reads and decodes a workspace file without changing anything (the CLI's `validate`, the console's Open). */
export async function readWorkspaceFile(path: string): Promise<DecodedWorkspace & { file: string; text: string }> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WorkspaceError({
      operation: 'load',
      reason: code === 'ENOENT' ? 'not-found' : 'io',
      file,
      problem: code === 'ENOENT' ? 'no such file' : `cannot read the file (${describeFsError(error)})`,
      cause: error,
    });
  }
  return { file, text, ...decodeWorkspaceText(text, file) };
}

/** A new workspace from a template, named after its file, pointing editors at the JSON Schema. */
export function newWorkspaceDocument(
  path: string,
  template: WorkspaceTemplate,
  now = Date.now(),
  name?: string,
): Workspace {
  const file = resolve(path);
  return WorkspaceSchema.parse({
    $schema: schemaReference(file),
    ...workspaceTemplate(template, now, name ?? workspaceNameFor(file)),
  });
}

/**
 * Writes a new workspace file from a template; refuses (WorkspaceError, reason `exists`) when the file exists —
 * the check and the create are one step (`wx`), so nothing is ever overwritten.
 */
export async function createWorkspaceFile(path: string, template: WorkspaceTemplate): Promise<Workspace> {
  const file = resolve(path);
  const workspace = newWorkspaceDocument(file, template);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'wx', 0o644);
    await handle.writeFile(encodeWorkspace(workspace), 'utf8');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WorkspaceError({
      operation: 'save',
      reason: code === 'EEXIST' ? 'exists' : 'io',
      file,
      problem:
        code === 'EEXIST'
          ? 'the file already exists; it was left as it is (choose another name or delete it first)'
          : `could not create the file (${describeFsError(error)})`,
      cause: error,
    });
  } finally {
    await handle?.close();
  }
  return workspace;
}

/** `mock.agui.json` → `mock`. */
export function workspaceNameFor(file: string): string {
  return basename(file).replace(/(\.agui)?\.json$/i, '') || 'workspace';
}

/** Where the JSON Schema is, relative to the workspace file (so it resolves in the project that has us installed). */
function schemaReference(file: string): string {
  const path = relative(dirname(file), join(packageRoot(), WORKSPACE_SCHEMA_FILE)).split('\\').join('/');
  return path.startsWith('.') ? path : `./${path}`;
}
