import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Middleware } from 'koa';
import { HttpError } from '../http/http-errors';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** The host name of a Host header, without port or IPv6 brackets. */
function hostName(hostHeader: string): string {
  const trimmed = hostHeader.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(1, trimmed.indexOf(']'));
  return trimmed.replace(/:\d+$/, '');
}

/**
 * DNS-rebinding guard: a page on evil.example that resolves to 127.0.0.1 still sends `Host: evil.example`.
 * Loopback names, `*.localhost`, the configured host, and IP literals (which no DNS can rebind) pass.
 */
export function isAllowedHost(hostHeader: string | undefined, configuredHost: string): boolean {
  if (!hostHeader) return false;
  const name = hostName(hostHeader);
  if (LOOPBACK_NAMES.has(name) || name.endsWith('.localhost')) return true;
  if (name === configuredHost.toLowerCase()) return true;
  return isIP(name) !== 0;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time token comparison (hashing first makes the lengths equal). */
export function tokenMatches(candidate: string | undefined, token: string): boolean {
  return candidate !== undefined && timingSafeEqual(digest(candidate), digest(token));
}

/** Host check then `Authorization: Bearer <token>` for every control API request. */
export function controlAccess(token: string, configuredHost: () => string): Middleware {
  return async function checkControlAccess(ctx, next) {
    if (!isAllowedHost(ctx.get('host'), configuredHost()))
      throw new HttpError(403, 'Forbidden host: the console API only answers requests addressed to this machine');
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
