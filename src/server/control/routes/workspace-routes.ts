import { Readable } from 'node:stream';
import type Router from '@koa/router';
import type { ItemsPage } from '../../../shared/control-api';
import {
  IMPORTED_DOCUMENT,
  type RecentWorkspace,
  WorkspaceNewSchema,
  WorkspaceOpenSchema,
  WorkspaceSaveAsSchema,
} from '../../../shared/workspace';
import { asciiWorkspaceFileName, workspaceFileName } from '../../../shared/workspace-file-name';
import { WORKSPACE_MAX_BYTES } from '../../../shared/workspace-max-bytes';
import { HttpError } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { parseRequestPart } from '../../http/validation';
import { jsonDepthMessage } from '../../support/json-depth';
import type { JsonTextRefusal } from '../../support/json-text-scan';
import { newRouter } from '../../support/koa-router-on-first-use';
import { WORKSPACE_MAX_DEPTH, WORKSPACE_MAX_OBJECT_KEYS } from '../../workspace/workspace-codec';
import { WorkspaceError } from '../../workspace/workspace-error';
import { workspaceText } from '../../workspace/workspace-file';
import type { ControlDeps } from '../control-deps';
import { checkTlsFiles } from './tls-files-check';
import { workspaceHttpError } from './workspace-http-error';
import { checkWorkspacePath } from './workspace-paths';

/** Runs `action`, answering a workspace failure as its HTTP error (`workspaceHttpError`). */
async function answering<T>(action: () => Promise<T> | T, ioStatus: 409 | 422 = 422): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw answered(error, ioStatus);
  }
}

/** A workspace failure as its HTTP error; any other error as it is. */
function answered(error: unknown, ioStatus: 409 | 422 = 422): unknown {
  return error instanceof WorkspaceError ? workspaceHttpError(error, ioStatus) : error;
}

/**
 * An import's bytes read as a workspace file's are (`workspaceText`: UTF-8 alone, a byte order mark dropped), and
 * refused in a file's words, naming `import`: the console shows them under the uploaded file's name.
 */
function importedText(bytes: Buffer): string {
  try {
    return workspaceText(bytes, IMPORTED_DOCUMENT).json;
  } catch (error) {
    throw answered(error);
  }
}

/** What sets the limits of an imported document, as its refusals name it: the settings do not move them. */
const DOCUMENT_LIMIT_SET_BY = 'the limit of a workspace document';

/** An import's body refused before it is parsed, as the body reader refuses any body past its limits (400). */
function importTextRefusal(refusal: JsonTextRefusal): HttpError {
  return new HttpError(
    400,
    refusal.kind === 'too-deep'
      ? `Request body rejected: ${jsonDepthMessage(WORKSPACE_MAX_DEPTH, DOCUMENT_LIMIT_SET_BY)}`
      : `Request body rejected: an object with more than ${WORKSPACE_MAX_OBJECT_KEYS.toLocaleString('en')} keys, at line ${refusal.line}, ` +
          `column ${refusal.column} (${DOCUMENT_LIMIT_SET_BY})`,
  );
}

/**
 * The workspace file behind the engine: status (name, unsaved changes, conflicts), save / save as / open /
 * new, export as a download and import from a body, recently opened files.
 */
export function workspaceRoutes({ context, workspace }: ControlDeps): Router {
  const router = newRouter();
  const body = jsonBody(context.settings);

  router.get('/workspace', async (ctx) => {
    await workspace.recentWorkspaces();
    ctx.body = workspace.status();
  });

  router.post('/workspace/save', async (ctx) => {
    ctx.body = await answering(() => workspace.save(), 409);
  });

  router.post('/workspace/save-as', body, async (ctx) => {
    const { path } = parseRequestPart(WorkspaceSaveAsSchema, requestBody(ctx), 'body');
    ctx.body = await answering(async () => workspace.saveAs(await checkWorkspacePath(path, 'save-as')));
  });

  router.post('/workspace/open', body, async (ctx) => {
    const { path } = parseRequestPart(WorkspaceOpenSchema, requestBody(ctx), 'body');
    const result = await answering(async () => workspace.open(await checkWorkspacePath(path, 'open')));
    ctx.body = { ...workspace.status(), ...(result.migratedFrom !== undefined && { migrated: result }) };
  });

  router.post('/workspace/new', body, async (ctx) => {
    const { template, path, name } = parseRequestPart(WorkspaceNewSchema, requestBody(ctx) ?? {}, 'body');
    await answering(async () =>
      workspace.create(template, path === undefined ? undefined : await checkWorkspacePath(path, 'new'), name),
    );
    ctx.status = 201;
    ctx.body = workspace.status();
  });

  router.get('/workspace/export', async (ctx) => {
    const filename = workspaceFileName(workspace.document().name);
    // Made whole before the answer starts, a chunk per turn (a big workspace never holds up the engine): one the
    // engine could not open again is refused as a save is, rather than downloaded and then refused by the import,
    // once recorded history has given way if it can.
    const chunks = await answering(() => workspace.exportChunks(filename));
    // RFC 6266: the name as written in `filename*` (UTF-8), an ASCII one for clients that read only `filename`.
    ctx.attachment(filename, { fallback: asciiWorkspaceFileName(filename) });
    ctx.set('Content-Type', 'application/json; charset=utf-8');
    ctx.body = Readable.from(chunks, { objectMode: false });
  });

  router.post(
    '/workspace/import',
    // Read as text and handed to the codec, which looks through it once (its shape's limits, a key written twice)
    // and parses it once, as it reads a file: its syntax errors name their line and column as a file's do.
    jsonBody(() => ({
      maxBodyBytes: WORKSPACE_MAX_BYTES,
      maxBodyBytesSetBy: DOCUMENT_LIMIT_SET_BY,
      unparsed: importedText,
    })),
    async (ctx) => {
      const text = requestBody(ctx);
      // No body at all. Text of white space alone, or none (a byte order mark alone), goes on: the codec refuses it in
      // a file's words.
      if (typeof text !== 'string') throw new HttpError(422, 'Send a workspace document as the JSON body');
      const folder = workspace.servingFolder();
      const decoded = await answering(() => workspace.decodeImport(text, importTextRefusal));
      // Files the imported setting names would be saved into the attached file, and stop its next start.
      await checkTlsFiles(decoded.workspace.settings.tls, workspace, ['body', 'settings', 'tls']);
      // The engine may still refuse it (a response naming the attached file): a 422 saying why, as when decoding.
      await answering(() => {
        // Opened, made or saved elsewhere meanwhile: its files are looked for where the world is served from now.
        const document =
          workspace.servingFolder() === folder ? decoded : workspace.decodeImport(text, importTextRefusal);
        workspace.applyImport(document);
      });
      ctx.body = workspace.status();
    },
  );

  router.get('/workspace/recent', async (ctx) => {
    const items = await workspace.recentWorkspaces();
    ctx.body = { items, total: items.length } satisfies ItemsPage<RecentWorkspace>;
  });

  return router;
}
