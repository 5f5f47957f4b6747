import { existsSync } from 'node:fs';
import type { Middleware } from 'koa';
import { CONSOLE_CSP } from '../../shared/console-csp';
import { CONSOLE_PATH_PREFIX } from '../../shared/mounts/mount-fields';
import { koaSend } from '../support/koa-send-on-first-use';

/** Sent as headers (a <meta> cannot carry frame-ancestors); the page repeats the rest for `electron-vite dev`. */
const SECURITY_HEADERS = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Serves the built console (the renderer bundle) under `/__console/`, with strict security headers. */
export function consoleStatic(rendererDir: string | undefined): Middleware {
  return async function serveConsole(ctx) {
    ctx.set(SECURITY_HEADERS);
    if (ctx.path === CONSOLE_PATH_PREFIX) {
      ctx.status = 308;
      ctx.redirect(`${CONSOLE_PATH_PREFIX}/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
      return;
    }
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD');
      ctx.body = { detail: 'Method Not Allowed' };
      return;
    }
    if (!rendererDir || !existsSync(rendererDir)) {
      ctx.status = 503;
      ctx.body = { detail: 'The console is not built: run `npm run build` first' };
      return;
    }
    const file = ctx.path.slice(CONSOLE_PATH_PREFIX.length + 1) || 'index.html';
    let sent: string | undefined;
    try {
      sent = await koaSend()(ctx, file, {
        root: rendererDir,
        index: 'index.html',
        immutable: file.startsWith('assets/'),
      });
    } catch {
      // Missing files, traversal attempts (403 from koa-send), undecodable paths: all simply not found.
    }
    // koa-send answers nothing at all for hidden files and folders: they are not found either.
    if (!sent) {
      ctx.status = 404;
      ctx.body = { detail: 'Not Found' };
    }
  };
}
