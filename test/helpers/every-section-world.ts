import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWorkspace } from '../../src/server/workspace/workspace-codec';
import { workspaceTemplate } from '../../src/server/workspace/workspace-templates';
import { type Workspace, WorkspaceSchema } from '../../src/shared/workspace';

/**
 * A workspace file `name` in `dir` whose world has something in every section: AGORA's pack and scenarios, the
 * FastAPI tutorial's routes and sockets, a collection `books` with two records, and a static folder `public` (made
 * in `dir`). Its document and its path: a test that sends every control API route has real ids to point at.
 */
export async function everySectionWorkspace(dir: string, name: string): Promise<{ document: Workspace; file: string }> {
  await mkdir(join(dir, 'public'), { recursive: true });
  await writeFile(join(dir, 'public', 'index.html'), '<!doctype html><title>public</title>');
  const tutorial = workspaceTemplate('fastapi-tutorial');
  const document: Workspace = WorkspaceSchema.parse({
    ...workspaceTemplate('agora', Date.now(), name),
    routes: tutorial.routes,
    sockets: tutorial.sockets,
    collections: [
      {
        id: 'books',
        path: '/books',
        schema: { type: 'object', properties: { title: { type: 'string' } } },
        records: [
          { id: 1, title: 'Dune' },
          { id: 2, title: 'Solaris' },
        ],
      },
    ],
    staticFolders: [{ id: 'public', path: '/public', folder: 'public' }],
  });
  const file = join(dir, `${name}.agui.json`);
  await writeFile(file, encodeWorkspace(document));
  return { document, file };
}
