import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** A Host header that is a host name or an address, with an optional port: nothing to smuggle into a URL. */
const SANE_HOST = /^[\w.-]+(:\d+)?$|^\[[\da-fA-F:.]+\](:\d+)?$/;

/**
 * The origin the client reached the engine at — its Host, over https when the socket is TLS or a proxy says so —
 * so links in answers work through port forwards and proxies; undefined when the Host header is missing or odd.
 * (Koa 3's `ctx.origin` is the request's Origin header, the page that sent it, not this.)
 */
export function requestOrigin(request: IncomingMessage): string | undefined {
  const host = request.headers.host;
  if (!host || !SANE_HOST.test(host)) return undefined;
  const forwarded = request.headers['x-forwarded-proto'];
  const secure =
    (request.socket as Partial<TLSSocket>).encrypted === true || forwarded === 'https' || forwarded === 'wss';
  return `${secure ? 'https' : 'http'}://${host}`;
}
