import type { LoadRoute } from './http-load';

/**
 * What a team mounts for itself, beside the AGORA pack's routes in the REST phase: a route whose body is a
 * template (path parameter and query values in it) and a collection (its generated list route). Answers are
 * deterministic, so the bare Koa app can serve the same recorded JSON.
 */
export const REST_USER_ROUTES: unknown[] = [
  {
    id: 'bench-order',
    method: 'GET',
    path: '/bench/orders/:id',
    responses: [
      {
        id: 'ok',
        body: {
          json: {
            id: '{{params.id}}',
            customer: '{{default query.customer "anonymous"}}',
            status: 'open',
            lines: [
              { sku: 'A-1', quantity: 2, price: 9.5 },
              { sku: 'B-7', quantity: 1, price: 24 },
            ],
          },
        },
      },
    ],
  },
];

export const REST_USER_COLLECTIONS: unknown[] = [
  {
    id: 'bench-products',
    path: '/bench/products',
    records: Array.from({ length: 25 }, (_, index) => ({
      id: index + 1,
      name: `Product ${index + 1}`,
      price: 5 + index,
      tags: index % 2 === 0 ? ['even'] : ['odd'],
    })),
  },
];

export const REST_USER_LOAD: LoadRoute[] = [
  { name: 'GET /bench/orders/… (template)', method: 'GET', path: '/bench/orders/42?customer=ada' },
  { name: 'GET /bench/products (collection)', method: 'GET', path: '/bench/products' },
];
