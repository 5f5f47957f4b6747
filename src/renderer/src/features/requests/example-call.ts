import type { MountLists } from '../../stores/mounts-store';

/**
 * A call this world's mocked API answers, for the empty request log to name: its first enabled route, else its
 * first collection's list, else AGORA's `GET /users/me` while an AGORA pack serves; null when none answers a
 * plain call (a world of sockets and agents only).
 */
export function exampleCall(sections: MountLists, packs: readonly string[]): string | null {
  const route = sections.routes.find((item) => item.enabled !== false);
  if (route) return `${route.method === 'ANY' ? 'GET' : route.method} ${route.path}`;
  const collection = sections.collections.find((item) => item.enabled !== false);
  if (collection) return `GET ${collection.path}`;
  return packs.some((pack) => pack.startsWith('agora')) ? 'GET /users/me' : null;
}
