import type { Middleware } from 'koa';
import { CONTROL_API_PREFIX } from '../../shared/control-api';
import { packsWithControlPath } from '../packs/pack-registry';
import type { World } from '../world/world';

/**
 * A 404 on a path of a pack's part of the console's API (`/state/users`) while no pack that has it serves says so and
 * what to do, rather than a bare `Not Found` that reads like a typo in the path. Only 404s pay for the look-up.
 */
export function packNotServing(world: () => World): Middleware {
  return async function tellPackNotServing(ctx, next) {
    await next();
    if (ctx.status !== 404 || (ctx.body !== undefined && ctx.body !== null)) return;
    const packs = packsWithControlPath(ctx.path.slice(CONTROL_API_PREFIX.length));
    if (packs.length === 0) return;
    const serving = new Set(
      world()
        .packs()
        .map((pack) => pack.definition.name),
    );
    // One of them serves: the path is not one of its routes, a plain 404.
    if (packs.some((pack) => serving.has(pack))) return;
    const names = packs.length === 1 ? packs[0] : `${packs.slice(0, -1).join(', ')} or ${packs.at(-1)}`;
    ctx.status = 404;
    ctx.body = {
      detail: `Not Found: ${ctx.path} is served by the ${names} pack, which this workspace does not serve (or has switched off): add it or switch it on in Routes → Packs, or with PUT ${CONTROL_API_PREFIX}/packs`,
    };
  };
}
