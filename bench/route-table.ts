import type { LoadRoute } from './http-load';

const METHODS = ['GET', 'PUT', 'GET', 'GET'] as const;

/**
 * A realistic user route table of `size` routes (resources under /api/v1: list and item paths, several methods),
 * each answering a small templated JSON body, as a team's own REST routes would.
 */
export function benchRoutes(size: number): unknown[] {
  return Array.from({ length: size }, (_, index) => {
    const item = index % 2 !== 0;
    return {
      id: `r${index}`,
      method: METHODS[index % METHODS.length],
      path: item ? `/api/v1/res${index}/:id` : `/api/v1/res${index}`,
      // A list path has no `:id` (a template reading `params.id` there is refused): it reads `?id=`, as lookup alike.
      responses: [
        { id: 'ok', body: { json: { id: item ? '{{params.id}}' : '{{query.id}}', resource: index, at: '{{now}}' } } },
      ],
    };
  });
}

/** Requests for the first routes, which every table of ten or more has: the same work whatever the table's size. */
export const ROUTE_TABLE_LOAD: LoadRoute[] = Array.from({ length: 8 }, (_, target) => {
  const method = METHODS[target % METHODS.length] as LoadRoute['method'];
  const path = target % 2 === 0 ? `/api/v1/res${target}` : `/api/v1/res${target}/42`;
  return {
    name: `${method} ${path}`,
    method,
    path,
    ...(method === 'PUT' && { body: () => '{}' }),
  };
});
