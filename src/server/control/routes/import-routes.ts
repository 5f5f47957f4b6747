import type Router from '@koa/router';
import { z } from 'zod';
import type { OpenApiImportResult } from '../../../shared/control-api';
import { HttpError } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { parseRequestPart } from '../../http/validation';
import { basePathProblem } from '../../openapi/base-path';
import { documentTooLarge, MAX_DOCUMENT_BYTES } from '../../openapi/import-limits';
import { mergeRoutesImport, type RoutesImport } from '../../openapi/merge-imported-routes';
import { OpenApiImportError } from '../../openapi/openapi-import-error';
import { importOpenApiRoutesInWorker, OpenApiImportStopped } from '../../openapi/openapi-import-thread';
import { newRouter } from '../../support/koa-router-on-first-use';
import { MountValidationError } from '../../world/mount-validation-error';
import type { ControlDeps } from '../control-deps';
import { checkWorkspaceRoom } from './workspace-room';

const ImportBodySchema = z.strictObject({
  /** The document, as JSON or YAML text. */
  document: z
    .string()
    .min(1)
    .max(MAX_DOCUMENT_BYTES, {
      error: (issue) => documentTooLarge(String(issue.input).length, MAX_DOCUMENT_BYTES, 'characters'),
    }),
  /** Put before every path (default: the path of the document's first server). */
  basePath: z
    .string()
    .max(500)
    // Refused before the document is read, rather than once per route.
    .superRefine((basePath, ctx) => {
      const problem = basePathProblem(basePath);
      if (problem) ctx.addIssue({ code: 'custom', message: `no route can have a path under it: ${problem}` });
    })
    .optional(),
  /** The imported routes become the whole list instead of being merged in by id. */
  replaceAll: z.boolean().default(false),
  /** Work out and return what would change, change nothing. */
  dryRun: z.boolean().default(false),
});

/**
 * `POST /routes/import-openapi`: an OpenAPI 3.0/3.1 document (JSON or YAML) as routes, merged by id. `closing`
 * stops an import still being read when the engine closes: the worker it runs on is shared by every engine of the
 * process, and its work would be applied to a world no longer served.
 */
export function importRoutes({ context, workspace }: ControlDeps, closing: AbortSignal): Router {
  const router = newRouter();
  router.post(
    '/routes/import-openapi',
    jsonBody(() => ({
      maxBodyBytes: MAX_DOCUMENT_BYTES * 2,
      maxJsonDepth: context.settings().maxJsonDepth,
      maxBodyBytesSetBy: 'the limit of an OpenAPI import request',
    })),
    async (ctx) => {
      const input = parseRequestPart(ImportBodySchema, requestBody(ctx), 'body');
      let result: RoutesImport;
      try {
        // On a worker thread (which alone loads the OpenAPI parser, sampler and YAML reader): a large document is
        // seconds of work the engine's sockets and runs must not wait for.
        const imported = await importOpenApiRoutesInWorker(
          {
            input: { text: input.document },
            options: {
              maxJsonDepth: context.settings().maxJsonDepth,
              maxBytes: MAX_DOCUMENT_BYTES,
              ...(input.basePath !== undefined && { basePath: input.basePath }),
            },
          },
          undefined,
          closing,
        );
        // Into the routes as they are now: one edited while the worker read the document is kept.
        result = mergeRoutesImport(context.world.definitions().routes, imported, input.replaceAll);
      } catch (error) {
        if (error instanceof OpenApiImportError)
          throw new HttpError(422, `The document cannot be imported: ${error.message}`);
        if (error instanceof OpenApiImportStopped)
          throw new HttpError(503, 'The engine is closing: the import was stopped, and nothing of it was applied');
        throw error;
      }
      // A dry run is checked as the import would be: it fails where the import would.
      checkWorkspaceRoom(workspace, { routes: result.routes });
      try {
        if (input.dryRun) context.world.checkHttpSection('routes', result.routes);
        else context.world.replaceSection('routes', result.routes);
      } catch (error) {
        if (!(error instanceof MountValidationError)) throw error;
        throw new HttpError(422, `The imported routes cannot be served: ${error.message}`);
      }
      const { routes, ...summary } = result;
      ctx.body = { ...summary, dryRun: input.dryRun, ...(input.dryRun && { routes }) } satisfies OpenApiImportResult;
    },
  );
  return router;
}
