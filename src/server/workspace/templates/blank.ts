import { DEFAULT_SETTINGS } from '../../../shared/settings';
import type { WorkspaceInput } from '../../../shared/workspace';

/** Nothing but one example route, to start mocking a backend of your own (see docs/routes.md). */
export function blankTemplate(_now: number, name = 'My backend'): WorkspaceInput {
  return {
    version: 2,
    name,
    settings: { ...DEFAULT_SETTINGS },
    packs: [],
    routes: [
      {
        id: 'hello',
        name: 'An example route',
        description: 'Edit or delete me: GET /hello answers with a greeting that echoes ?name=.',
        method: 'GET',
        path: '/hello',
        responses: [
          {
            id: 'greeting',
            status: 200,
            body: { json: { message: 'Hello, {{default query.name "world"}}!', at: '{{now}}' } },
          },
        ],
      },
    ],
    collections: [],
    staticFolders: [],
    sockets: [],
    agents: [],
    scenarios: [],
  };
}
