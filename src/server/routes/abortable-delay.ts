import type { Context } from 'koa';

/**
 * Waits `ms` before answering, unless the client leaves first: then the timer is cleared at once and the answer
 * is false (there is nobody to answer). A thousand clients that give up on a slow route leave no timers behind.
 */
export function abortableDelay(ctx: Context, ms: number): Promise<boolean> {
  if (clientGone(ctx)) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      ctx.res.off('close', onClose);
      resolve(true);
    }, ms);
    ctx.res.once('close', onClose);
  });
}

export function clientGone(ctx: Context): boolean {
  return ctx.req.socket.destroyed || ctx.res.closed;
}
