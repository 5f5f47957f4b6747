import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type Workspace, WorkspaceSchema, type WorkspaceTemplate } from '../../shared/workspace';
import { WORKSPACE_MAX_BYTES } from '../../shared/workspace-max-bytes';
import { writeFileAtomic } from './atomic-file';
import { decodeUtf8, describeBytes, readRegularFile } from './bounded-file';
import type { DocumentBytes } from './document-bytes';
import { makeFolders, removeFolders } from './missing-folders';
import { type DecodedWorkspace, decodeWorkspaceText, encodeWorkspace, type WorkspaceDecoding } from './workspace-codec';
import { WorkspaceError } from './workspace-error';
import { describeFsErrorAt } from './workspace-fs-errors';
import { workspaceNameFor } from './workspace-name';
import { schemaReference } from './workspace-schema-reference';
import { refuseUnsavable } from './workspace-size-limit';
import { workspaceTemplate } from './workspace-templates';

/**
 * Reads and decodes a workspace file without changing anything (the CLI's `validate`, `serve --workspace`, the
 * console's Open). Only a regular file is read, and no further than WORKSPACE_MAX_BYTES: a pipe or a device is
 * refused at once, without waiting on it. `text` is the file's text exactly (a leading BOM included, so its hash is
 * the hash of the bytes on disk). `measure`: what weighs it as a file (`refuseUnsavable`); `decoding`: the world
 * it is checked for.
 */
export async function readWorkspaceFile(
  path: string,
  measure?: DocumentBytes,
  decoding: WorkspaceDecoding = {},
): Promise<DecodedWorkspace & { file: string; text: string }> {
  const file = resolve(path);
  let bytes: Awaited<ReturnType<typeof readRegularFile>>;
  try {
    bytes = await readRegularFile(file, WORKSPACE_MAX_BYTES);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WorkspaceError({
      operation: 'load',
      reason: code === 'ENOENT' ? 'not-found' : 'io',
      file,
      problem:
        code === 'ENOENT' ? 'no such file' : `cannot read the file (${await describeFsErrorAt(error, file, 'read')})`,
      cause: error,
    });
  }
  if (!Buffer.isBuffer(bytes)) {
    const problem =
      bytes.refused === 'too large'
        ? `the file is larger than ${describeBytes(bytes.maxBytes)}: no workspace is that big (reading stopped there)`
        : notAWorkspaceFile(bytes.what);
    throw new WorkspaceError({ operation: 'load', file, problem });
  }
  return { file, ...decodeWorkspaceBytes(bytes, file, measure, decoding) };
}

/** What is wrong with a path that is `what` (`a folder`, `a named pipe (FIFO)`…) where a workspace file is asked for. */
export function notAWorkspaceFile(what: string): string {
  return what === 'a folder'
    ? 'the path is a folder: choose a workspace file'
    : `the path is not a regular file (it is ${what}): choose a workspace file`;
}

/**
 * A workspace file's bytes decoded (`workspaceText`; checked for the world `decoding` names), and one the engine could
 * not save once read refused (`refuseUnsavable`, weighed by `measure`). `text` is the bytes' text exactly, BOM included.
 */
export function decodeWorkspaceBytes(
  bytes: Uint8Array,
  file: string,
  measure?: DocumentBytes,
  decoding: WorkspaceDecoding = {},
): DecodedWorkspace & { text: string } {
  const { text, json } = workspaceText(bytes, file);
  const read = decodeWorkspaceText(json, file, decoding);
  refuseUnsavable(read.workspace, file, 'read', measure);
  return { text, ...read };
}

/**
 * A workspace's bytes (a file's, an import's) as text: UTF-8 only, a byte that is not refused with its offset
 * (WorkspaceError naming `file`); `json` is the text to read, a leading byte order mark dropped (it is not written
 * back), `text` the bytes' text exactly.
 */
export function workspaceText(bytes: Uint8Array, file: string): { text: string; json: string } {
  const decoded = decodeUtf8(bytes);
  if ('invalidAt' in decoded) {
    const at = decoded.invalidAt;
    const byte = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    throw new WorkspaceError({
      operation: 'load',
      file,
      problem: `the file is not valid UTF-8: an invalid byte sequence at byte offset ${at} (0x${byte}); save it as UTF-8`,
    });
  }
  const { text } = decoded;
  return { text, json: text.startsWith('\uFEFF') ? text.slice(1) : text };
}

/** A new workspace from a template, named after its file, pointing editors at the JSON Schema when it can. */
export function newWorkspaceDocument(
  path: string,
  template: WorkspaceTemplate,
  now = Date.now(),
  name?: string,
): Workspace {
  const file = resolve(path);
  const $schema = schemaReference(file);
  return WorkspaceSchema.parse({
    ...($schema !== undefined && { $schema }),
    ...workspaceTemplate(template, now, name ?? workspaceNameFor(file)),
  });
}

/**
 * Writes a new workspace file from a template; refuses (WorkspaceError, reason `exists`) when the file exists —
 * the check and the create are one step, so nothing is ever overwritten — and is written whole or not at all (a full
 * disk leaves no truncated file behind). Its missing folders are made, as `serve --workspace` makes them, and taken
 * away again when the file then cannot be written.
 */
export async function createWorkspaceFile(path: string, template: WorkspaceTemplate): Promise<Workspace> {
  const file = resolve(path);
  const workspace = newWorkspaceDocument(file, template);
  let made: string[] = [];
  try {
    made = await makeFolders(dirname(file));
    await writeFileAtomic(file, encodeWorkspace(workspace), {}, { exclusive: true });
  } catch (error) {
    await removeFolders(made);
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw await pathTakenError(file, 'it was left as it is (choose another name or delete it first)', error);
    }
    throw new WorkspaceError({
      operation: 'save',
      file,
      problem: `could not create the file (${await describeFsErrorAt(error, file)})`,
      cause: error,
    });
  }
  return workspace;
}

/**
 * The refusal (reason `exists`) of a new workspace's path that is taken (`init`, the console's New: neither writes
 * over anything): a folder is said to be one, with a file in it to name (`init mocks/`: "the file already exists"
 * would not say what to do); a file, that it exists, then `advice` (what the one who asked can do about it).
 */
export async function pathTakenError(file: string, advice: string, cause?: unknown): Promise<WorkspaceError> {
  const folder = await stat(file).then(
    (found) => found.isDirectory(),
    () => false,
  );
  return new WorkspaceError({
    operation: 'save',
    reason: 'exists',
    file,
    problem: folder
      ? `the path is a folder: name a workspace file, e.g. ${join(file, 'mock.agui.json')}`
      : `the file already exists; ${advice}`,
    cause,
  });
}
