import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Router from '@koa/router';
import { HttpError } from '../../../http/http-errors';
import { newRouter } from '../../../support/koa-router-on-first-use';
import { resourcesDir } from '../../../support/package-root';

/** The documents the report flow links to; only these names are served, so no path ever reaches the disk. */
const DOCUMENTS: Readonly<Record<string, string>> = {
  'report.json': 'application/json; charset=utf-8',
  'report.pdf': 'application/pdf',
};

/** `GET /mock_documents/{file}`: the generated report, as JSON and as PDF, from `resources/mock-documents`. */
export function documentRoutes(): Router {
  const folder = join(resourcesDir(), 'mock-documents');
  // Read once on first use and kept: the files are small and never change while the server runs.
  const cache = new Map<string, Promise<Buffer>>();
  const router = newRouter();
  router.get('/mock_documents/:file', async (ctx) => {
    const file = ctx.params.file ?? '';
    const type = Object.hasOwn(DOCUMENTS, file) ? DOCUMENTS[file] : undefined;
    if (!type) throw new HttpError(404, 'Document not found');
    let content = cache.get(file);
    if (!content) {
      content = readFile(join(folder, file));
      cache.set(file, content);
      // A failed read is not kept, so a later request tries again.
      content.catch(() => cache.delete(file));
    }
    ctx.type = type;
    ctx.set('Content-Disposition', `inline; filename="${file}"`);
    ctx.body = await content;
  });
  return router;
}
