import { parentPort } from 'node:worker_threads';
import { OpenApiImportError } from './openapi-import-error';
import type { OpenApiImportReply, OpenApiImportRequest } from './openapi-import-thread';
import { openApiRoutes } from './openapi-routes-import';

/*
 * The worker thread an engine imports OpenAPI documents in (openapi-import-thread.ts starts it and sends it one job
 * at a time): each job answered with the document's routes, its problem, or the fault.
 */
parentPort?.on('message', async ({ id, job }: OpenApiImportRequest) => {
  let reply: OpenApiImportReply;
  try {
    reply = { id, ok: true, result: await openApiRoutes(job.input, job.options) };
  } catch (error) {
    reply =
      error instanceof OpenApiImportError
        ? { id, ok: false, problem: error.problem, ...(error.where !== undefined && { where: error.where }) }
        : { id, ok: false, internal: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort?.postMessage(reply);
});
