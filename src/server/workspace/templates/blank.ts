import type { WorkspaceInput } from '../../../shared/workspace';
import { emptyWorkspace } from './empty-workspace';

/** Nothing but one example route, to start mocking a backend of your own (see docs/routes.md). */
export function blankTemplate(_now: number, name = 'My backend'): WorkspaceInput {
  return {
    ...emptyWorkspace(name),
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
  };
}
