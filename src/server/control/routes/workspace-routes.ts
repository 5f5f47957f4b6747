import Router from '@koa/router';
import type { ItemsPage } from '../../../shared/control-api';
import {
  type RecentWorkspace,
  WorkspaceNewSchema,
  WorkspaceOpenSchema,
  WorkspaceSaveAsSchema,
} from '../../../shared/workspace';
import { HttpError } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { parseRequestPart } from '../../http/validation';
import { WORKSPACE_MAX_DEPTH, workspaceStream } from '../../workspace/workspace-codec';
import { WorkspaceError } from '../../workspace/workspace-error';
import type { ControlDeps } from '../control-deps';

/** An imported workspace may hold long histories: more room than the mocked API's body limit. */
const IMPORT_LIMIT_BYTES = 64 * 1024 * 1024;

const STATUS_BY_REASON = { invalid: 422, 'not-found': 404, exists: 409, 'no-file': 409, io: 500 } as const;

/** Workspace failures as HTTP errors whose `detail` is the WorkspaceProblem (file, line/column or path, problem). */
async function answering<T>(action: () => Promise<T> | T): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof WorkspaceError) throw new HttpError(STATUS_BY_REASON[error.reason], error.toProblem());
    throw error;
  }
}

/**
 * The workspace file behind the engine: status (name, unsaved changes, conflicts), save / save as / open /
 * new, export as a download and import from a body, recently opened files.
 */
export function workspaceRoutes({ context, workspace }: ControlDeps): Router {
  const router = new Router();
  const body = jsonBody(context.settings);

  router.get('/workspace', async (ctx) => {
    await workspace.recentWorkspaces();
    ctx.body = workspace.status();
  });

  router.post('/workspace/save', async (ctx) => {
    ctx.body = await answering(() => workspace.save());
  });

  router.post('/workspace/save-as', body, async (ctx) => {
    const { path } = parseRequestPart(WorkspaceSaveAsSchema, requestBody(ctx), 'body');
    ctx.body = await answering(() => workspace.saveAs(path));
  });

  router.post('/workspace/open', body, async (ctx) => {
    const { path } = parseRequestPart(WorkspaceOpenSchema, requestBody(ctx), 'body');
    const result = await answering(() => workspace.open(path));
    ctx.body = { ...workspace.status(), ...(result.migratedFrom !== undefined && { migrated: result }) };
  });

  router.post('/workspace/new', body, async (ctx) => {
    const { template, path, name } = parseRequestPart(WorkspaceNewSchema, requestBody(ctx) ?? {}, 'body');
    await answering(() => workspace.create(template, path, name));
    ctx.status = 201;
    ctx.body = workspace.status();
  });

  router.get('/workspace/export', (ctx) => {
    const document = workspace.document();
    const filename = `${document.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'workspace'}.agui.json`;
    ctx.set('content-disposition', `attachment; filename="${filename}"`);
    ctx.set('Content-Type', 'application/json; charset=utf-8');
    // The file's text, made chunk by chunk as the client reads: a big workspace never holds up the engine.
    ctx.body = workspaceStream(document);
  });

  router.post(
    '/workspace/import',
    jsonBody(() => ({ maxBodyBytes: IMPORT_LIMIT_BYTES, maxJsonDepth: WORKSPACE_MAX_DEPTH })),
    async (ctx) => {
      const document = requestBody(ctx);
      if (document === undefined) throw new HttpError(422, 'Send a workspace document as the JSON body');
      await answering(() => workspace.importDocument(document));
      ctx.body = workspace.status();
    },
  );

  router.get('/workspace/recent', async (ctx) => {
    const items = await workspace.recentWorkspaces();
    ctx.body = { items, total: items.length } satisfies ItemsPage<RecentWorkspace>;
  });

  return router;
}
