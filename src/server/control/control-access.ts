import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Middleware } from 'koa';
import { HttpError } from '../http/http-errors';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * The host name of a Host header (an IPv6 address without its brackets), or undefined when the header is not a host
 * and port as a URL writes one (`[::1`, `[::1]evil.com`, `localhost:99999`), or names one only once the URL parser
 * has rewritten it (`127.1`, `0x7f.1`).
 */
function hostName(hostHeader: string): string | undefined {
  const host = hostHeader.trim().toLowerCase();
  if (/[/?#@\\\s]/.test(host)) return undefined;
  let name: string;
  try {
    name = new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
  if (host !== name && !host.startsWith(`${name}:`)) return undefined;
  return name.startsWith('[') ? name.slice(1, -1) : name;
}

/**
 * DNS-rebinding guard: a page on evil.example that resolves to 127.0.0.1 still sends `Host: evil.example`.
 * Loopback names, `*.localhost`, the configured host, and IP literals (which no DNS can rebind) pass.
 */
export function isAllowedHost(hostHeader: string | undefined, configuredHost: string): boolean {
  if (!hostHeader) return false;
  const name = hostName(hostHeader);
  if (name === undefined) return false;
  if (LOOPBACK_NAMES.has(name) || name.endsWith('.localhost')) return true;
  if (name === configuredHost.toLowerCase()) return true;
  return isIP(name) !== 0;
}

/** `host:port` as a URL writes it (lower case, default port dropped), or undefined when it is no host. */
function urlHost(protocol: string, host: string): string | undefined {
  try {
    return new URL(`${protocol}//${host}`).host;
  } catch {
    return undefined;
  }
}

/**
 * Cross-origin guard: a browser names the page that sent a request in `Origin`. Only the console's own origin —
 * the very host:port the request addressed — may use the console's API and feed; another page (any site the
 * developer visits) may not, token or not. No Origin (curl, scripts, tests, other non-browser clients) passes:
 * the token guards those.
 */
export function isAllowedOrigin(request: IncomingMessage): boolean {
  const { origin: originHeader, host: hostHeader } = request.headers;
  if (originHeader === undefined) return true;
  let origin: URL;
  try {
    origin = new URL(originHeader);
  } catch {
    return false; // "null" (sandboxed frames, file: pages) and anything unparsable
  }
  // The console's own page has the scheme the engine serves: an https:// origin on a plain HTTP port is another one.
  if (origin.protocol !== ((request.socket as TLSSocket).encrypted ? 'https:' : 'http:')) return false;
  // An origin is a scheme, a host and a port (RFC 6454), compared without regard to case: a user or a path is not one.
  if (origin.origin !== originHeader.toLowerCase()) return false;
  const addressed = hostHeader === undefined ? undefined : urlHost(origin.protocol, hostHeader.trim());
  return addressed !== undefined && origin.host === addressed;
}

/** Says what to use instead: a LAN or container name (`mybox.local`, `mock`) is refused unless it is the `--host`. */
export const FORBIDDEN_HOST =
  "Forbidden host: the console answers only requests addressed to localhost, an IP address or the engine's --host (a DNS-rebinding guard); use one of those in the URL, or start the engine with --host set to the name you use";

export const FORBIDDEN_ORIGIN =
  "Forbidden origin: only the console's own page (the engine's own origin) may use the console API and live feed";

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time token comparison (hashing first makes the lengths equal). Anything but a string never matches. */
export function tokenMatches(candidate: unknown, token: string): boolean {
  return typeof candidate === 'string' && timingSafeEqual(digest(candidate), digest(token));
}

/** Host and Origin checks, then `Authorization: Bearer <token>`, for every control API request. */
export function controlAccess(token: string, configuredHost: () => string): Middleware {
  return async function checkControlAccess(ctx, next) {
    if (!isAllowedHost(ctx.get('host'), configuredHost())) throw new HttpError(403, FORBIDDEN_HOST);
    if (!isAllowedOrigin(ctx.req)) throw new HttpError(403, FORBIDDEN_ORIGIN);
    const header = ctx.get('authorization');
    const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    if (!tokenMatches(bearer, token))
      throw new HttpError(
        401,
        header
          ? 'Invalid console token: use the token printed at start (the #token=… part of the console URL)'
          : 'Missing console token: send it as "Authorization: Bearer <token>"',
        { 'WWW-Authenticate': 'Bearer' },
      );
    await next();
  };
}
