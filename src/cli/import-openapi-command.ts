import { dirname, resolve } from 'node:path';
import { MAX_DOCUMENT_BYTES } from '../server/openapi/import-limits';
import { OpenApiImportError } from '../server/openapi/openapi-import-error';
import type { RoutesImport } from '../server/openapi/openapi-routes-import';
import { readOpenApiSource } from '../server/openapi/read-openapi-source';
import { terminalText } from '../server/support/terminal-text';
import { type AtomicWriteHooks, writeFileAtomic } from '../server/workspace/atomic-file';
import { makeFolders, removeFolders } from '../server/workspace/missing-folders';
import { backUpOriginal } from '../server/workspace/workspace-backup';
import { decodeWorkspaceValue, encodeWorkspace } from '../server/workspace/workspace-codec';
import { WorkspaceError } from '../server/workspace/workspace-error';
import { newWorkspaceDocument, pathTakenError, readWorkspaceFile } from '../server/workspace/workspace-file';
import { describeFsErrorAt } from '../server/workspace/workspace-fs-errors';
import { refuseUnsavable } from '../server/workspace/workspace-size-limit';
import { DEFAULT_SETTINGS } from '../shared/settings';
import type { Workspace } from '../shared/workspace';
import type { ImportOpenApiOptions } from './cli-options';
import { writeWorkspaceError } from './workspace-error-lines';

/** How long a URL may take to answer, its whole body included. */
const FETCH_TIMEOUT_MS = 30_000;

/**
 * `agui-mock import-openapi SPEC [--into FILE]`: the document's operations as routes, merged into FILE by id
 * (created from the blank template when missing, its missing folders made; an older file is migrated, its original
 * kept as .bak), or printed as `{"routes": […]}` without --into. Exit 0 done, 1 when the document or the file cannot
 * be used. `hooks`: where tests put faults into the file's write (a file made meanwhile); the CLI passes none.
 */
export async function importOpenApiCommand(
  options: ImportOpenApiOptions,
  hooks: AtomicWriteHooks = {},
): Promise<number> {
  try {
    const input = await readSpec(options.spec);
    const target = options.into === undefined ? undefined : await targetWorkspace(options.into);
    const existing = target?.workspace.routes ?? [];
    // Loaded only here, as the engine does: serve, init and validate go without it.
    const { importOpenApiRoutes } = await import('../server/openapi/openapi-routes-import');
    const result = await importOpenApiRoutes(input, existing, {
      maxJsonDepth: target?.workspace.settings.maxJsonDepth ?? DEFAULT_SETTINGS.maxJsonDepth,
      maxBytes: MAX_DOCUMENT_BYTES,
      ...(options.basePath !== undefined && { basePath: options.basePath }),
      replaceAll: options.replace,
    });
    for (const warning of result.warnings) process.stderr.write(`warning: ${terminalText(warning)}\n`);
    if (!target) {
      process.stdout.write(`${JSON.stringify({ routes: result.routes }, null, 2)}\n`);
      process.stderr.write(`${terminalText(describe(result, options.dryRun))}\n`);
      return 0;
    }
    // Checked as a whole workspace before anything is written: the file stays as it was when it would not serve.
    const { workspace } = decodeWorkspaceValue({ ...target.workspace, routes: result.routes }, target.file);
    // Measured before it is encoded: one past the limit is refused without writing out up to 64 MiB of it first.
    refuseUnsavable(workspace, target.file, 'import');
    const text = encodeWorkspace(workspace);
    if (!options.dryRun) {
      if (target.migratedFrom !== undefined) await backUpOriginal(target.file, Date.now());
      await writeWorkspace(target.file, text, target.created, hooks);
    }
    process.stdout.write(
      `${terminalText(`${describe(result, options.dryRun)} → ${target.file}${target.created ? ' (new file)' : ''}`)}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof WorkspaceError) {
      writeWorkspaceError('agui-mock: ', error);
      return 1;
    }
    if (error instanceof OpenApiImportError || error instanceof SpecError) {
      process.stderr.write(`agui-mock: ${terminalText(error.message)}\n`);
      return 1;
    }
    throw error;
  }
}

class SpecError extends Error {}

/** The document as text, with its file (so `$ref`s to files beside it resolve); bounded in size and time. */
function readSpec(spec: string): Promise<{ text: string; file?: string }> {
  return readOpenApiSource(spec, { maxBytes: MAX_DOCUMENT_BYTES, timeoutMs: FETCH_TIMEOUT_MS });
}

async function targetWorkspace(path: string) {
  const file = resolve(path);
  try {
    const read = await readWorkspaceFile(file);
    return { file, workspace: read.workspace, migratedFrom: read.migratedFrom, created: false };
  } catch (error) {
    if (!(error instanceof WorkspaceError && error.reason === 'not-found')) throw error;
    return { file, workspace: newWorkspaceDocument(file, 'blank') as Workspace, created: true };
  }
}

/**
 * Writes the workspace whole or not at all, making its missing folders first as `init` does; those it made go again
 * when the file cannot be written. A file that was not there (`create`) is created, never written over: one made
 * meanwhile by something else (an editor, another import) is left as it is, refused as `init` refuses a taken path.
 */
async function writeWorkspace(file: string, text: string, create: boolean, hooks: AtomicWriteHooks): Promise<void> {
  let made: string[] = [];
  try {
    made = await makeFolders(dirname(file));
    await writeFileAtomic(file, text, hooks, { exclusive: create });
  } catch (error) {
    await removeFolders(made);
    if (create && (error as NodeJS.ErrnoException).code === 'EEXIST')
      throw await pathTakenError(
        file,
        'it appeared while the import ran and was left as it is: import again to merge into it',
        error,
      );
    throw new SpecError(`cannot write ${file}: ${await describeFsErrorAt(error, file)}`);
  }
}

function describe(result: RoutesImport, dryRun: boolean): string {
  const verb = dryRun ? 'would import' : 'imported';
  const what = result.title ? ` "${result.title}"` : '';
  const ids = (list: string[]) =>
    list.length > 0 ? ` (${list.slice(0, 8).join(', ')}${list.length > 8 ? ', …' : ''})` : '';
  return (
    `${verb}${what}: ${result.added.length} route(s) added${ids(result.added)}, ` +
    `${result.replaced.length} replaced${ids(result.replaced)}, ${result.kept.length} kept` +
    // Only --replace removes routes: said only then, naming them, since a dry run is there to show it.
    (result.removed.length > 0 ? `, ${result.removed.length} removed${ids(result.removed)}` : '')
  );
}
