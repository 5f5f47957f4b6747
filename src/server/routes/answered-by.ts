import type { Context } from 'koa';
import type { MountRef } from '../../shared/mounts/match-report';

/** Records on `ctx.state.answeredBy` which mount answered, for the request log and the console. */
export function setAnsweredBy(ctx: Context, ref: MountRef): void {
  ctx.state.answeredBy = ref;
}

export function answeredBy(ctx: Context): MountRef | undefined {
  return ctx.state.answeredBy as MountRef | undefined;
}
