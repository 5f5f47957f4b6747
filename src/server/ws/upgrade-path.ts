import type { IncomingMessage } from 'node:http';

/**
 * The path an upgrade asks for, as the HTTP routes read a request's (Koa's `ctx.path`): the request target up to its
 * query, as sent — dot segments, `//` and `\` included — or the path of an absolute-form target
 * (`GET http://host/ws`). Routing, the connection's path and its path parameters all read this one: a URL's
 * normalised path sent `/chat/a/../lobby` to `/chat/:room` with no room, and logged `//ws` refused as `/`.
 */
export function upgradePath(request: Pick<IncomingMessage, 'url'>): string {
  const target = request.url ?? '/';
  if (!target.startsWith('/')) {
    try {
      return new URL(target).pathname;
    } catch {
      // `*` or another target that is no path: matches no endpoint.
      return target;
    }
  }
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

/** The query of an upgrade's request target (a `?token=`, templates' `query`); never throws, whatever the target. */
export function upgradeQuery(request: Pick<IncomingMessage, 'url'>): URLSearchParams {
  const target = request.url ?? '/';
  const query = target.indexOf('?');
  return new URLSearchParams(query === -1 ? '' : target.slice(query + 1));
}
