import Router from '@koa/router';
import { z } from 'zod';
import type { PacksInfo } from '../../../shared/control-api';
import { PACK_NAMES, type Pack, type PackName } from '../../../shared/mounts/pack';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { parseRequestPart } from '../../http/validation';
import { packDefinition } from '../../packs/pack-registry';
import type { ControlDeps } from '../control-deps';

const PacksBodySchema = z.strictObject({
  packs: z
    .array(z.strictObject({ pack: z.enum(PACK_NAMES), enabled: z.boolean().default(true) }))
    .max(PACK_NAMES.length)
    .refine((packs) => new Set(packs.map((pack) => pack.pack)).size === packs.length, 'a pack may be listed once'),
});

/**
 * The built-in packs: which exist, which serve, and switching them. A pack that keeps serving keeps its data; one
 * added in place of another that keeps the same data (a variant of one contract: agora-mock ↔ agora-real) takes over
 * its data; any other added starts from its seed; one removed takes its data with it (the console asks before).
 */
export function packRoutes({ context }: ControlDeps): Router {
  const router = new Router();
  const { world } = context;
  const state = (): PacksInfo => ({
    available: PACK_NAMES.map((name) => ({
      name,
      title: packDefinition(name).title,
      sharesDataWith: PACK_NAMES.filter((other) => other !== name && sharesData(other, name)),
    })),
    items: world.definitions().packs.map(({ pack, enabled }) => ({ pack, enabled })),
  });

  router.get('/packs', (ctx) => {
    ctx.body = state();
  });

  router.put('/packs', jsonBody(context.settings), (ctx) => {
    const { packs } = parseRequestPart(PacksBodySchema, requestBody(ctx), 'body');
    const current = new Map(world.definitions().packs.map((pack) => [pack.pack, pack]));
    const kept = new Set(packs.map(({ pack }) => pack));
    const leaving = [...current.values()].filter(({ pack }) => !kept.has(pack));
    const now = Date.now();
    world.replacePacks(
      packs.map(({ pack, enabled }) => {
        // Switching between variants of one contract (agora-mock → agora-real): the data goes with it.
        const variant = leaving.find((other) => sharesData(other.pack, pack));
        return {
          pack,
          enabled,
          data: current.get(pack)?.data ?? variant?.data ?? packDefinition(pack).seed(now),
        } as Pack;
      }),
    );
    ctx.body = state();
  });
  return router;
}

/** Whether two packs are variants of one contract, keeping the same data (the same data schema). */
function sharesData(one: PackName, other: PackName): boolean {
  return packDefinition(one).dataSchema === packDefinition(other).dataSchema;
}
