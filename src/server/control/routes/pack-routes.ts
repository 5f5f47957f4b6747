import type Router from '@koa/router';
import { z } from 'zod';
import type { PacksInfo } from '../../../shared/control-api';
import { PACK_NAMES, type Pack } from '../../../shared/mounts/pack';
import { RequestValidationError } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { dottedPathKeys, parseRequestPart } from '../../http/validation';
import { packDefinition, variantsOfOneContract } from '../../packs/pack-registry';
import { newRouter } from '../../support/koa-router-on-first-use';
import { MountValidationError } from '../../world/mount-validation-error';
import type { ControlDeps } from '../control-deps';
import { checkWorkspaceRoom } from './workspace-room';

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
export function packRoutes({ context, workspace }: ControlDeps): Router {
  const router = newRouter();
  const { world } = context;
  const state = (): PacksInfo => ({
    available: PACK_NAMES.map((name) => ({
      name,
      title: packDefinition(name).title,
      sharesDataWith: PACK_NAMES.filter((other) => other !== name && variantsOfOneContract(other, name)),
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
    const next = packs.map(({ pack, enabled }) => {
      // Switching between variants of one contract (agora-mock → agora-real): the data goes with it.
      const variant = leaving.find((other) => variantsOfOneContract(other.pack, pack));
      return {
        pack,
        enabled,
        data: current.get(pack)?.data ?? variant?.data ?? packDefinition(pack).seed(now),
      } as Pack;
    });
    // The data as the world shares it (never copied): the room check weighs again only what it has not seen.
    checkWorkspaceRoom(workspace, { packs: next });
    try {
      world.replacePacks(next);
    } catch (error) {
      if (!(error instanceof MountValidationError)) throw error;
      // Located in the body as sent: `packs.N.enabled` (two variants of one contract serving), `packs.N.data…`.
      throw new RequestValidationError(
        error.issues.map(({ path, message }) => {
          const loc = dottedPathKeys(path);
          return { type: 'value_error', loc: ['body', ...loc], msg: message, input: packs[loc[1] as number] };
        }),
      );
    }
    ctx.body = state();
  });
  return router;
}
