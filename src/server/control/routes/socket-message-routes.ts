import type Router from '@koa/router';
import { z } from 'zod';
import { RawMessageBodySchema, rawMessageText, type SocketMessageResult } from '../../../shared/raw-messages';
import { HttpError } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { queryString } from '../../http/query-params';
import { parseRequestPart } from '../../http/validation';
import { newRouter } from '../../support/koa-router-on-first-use';
import { SharedText } from '../../ws/shared-text';
import type { ControlDeps } from '../control-deps';

const QuerySchema = z.object({ pack: queryString().optional() });

/**
 * One raw frame to every open connection of a WebSocket endpoint (a notification to everyone in a chat), as
 * `POST /connections/:id/messages` sends one to a connection: out of any run stream, behind a pause or latency.
 */
export function socketMessageRoutes(deps: ControlDeps): Router {
  const router = newRouter();

  router.post('/sockets/:id/messages', jsonBody(deps.context.settings), (ctx) => {
    const id = ctx.params.id ?? '';
    const { pack } = parseRequestPart(QuerySchema, ctx.query, 'query');
    const input = parseRequestPart(RawMessageBodySchema, requestBody(ctx), 'body');
    const { registry, world } = deps.context;
    // Connections keep the endpoint they came through: one edited away, or switched off, still has them.
    const targets = [...registry.openConnections()].filter(
      ({ mount }) => mount?.kind === 'socket' && mount.id === id && mount.pack === pack,
    );
    if (
      targets.length === 0 &&
      !world.socketDefinitions().some(({ definition, pack: owner }) => definition.id === id && owner === pack)
    )
      throw new HttpError(
        404,
        `No enabled socket endpoint ${id}${pack === undefined ? '' : ` in pack ${pack}`}, and no connection open on ` +
          'one: GET /server lists the endpoints',
      );
    const text = rawMessageText(input);
    // Encoded once for every connection, as a broadcast's frames are.
    const shared = new SharedText(text);
    ctx.body = {
      socketId: id,
      size: shared.utf8.length,
      connections: targets.flatMap((connection) =>
        connection.sendFrame({ text, shared, eventType: null })
          ? [{ connectionId: connection.id, held: connection.heldBytes > 0 }]
          : [],
      ),
    } satisfies SocketMessageResult;
  });

  return router;
}
