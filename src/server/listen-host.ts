import { isIP } from 'node:net';

/** One DNS label: letters, digits, hyphens inside (underscores too, which resolvers take), at most 63 characters. */
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/**
 * Why `host` cannot be listened on whatever the network says (it is neither an IP address nor a host name), or
 * undefined. Whether the address is this machine's, or the name resolves, only `listen` can tell
 * (`HostUnavailableError`).
 */
export function hostProblem(host: string): string | undefined {
  if (isIP(host) !== 0) return undefined;
  const shown = JSON.stringify(host.length > 80 ? `${host.slice(0, 80)}…` : host);
  if (host.startsWith('[') && host.endsWith(']') && isIP(host.slice(1, -1)) === 6) {
    return `an IPv6 address goes without brackets: ${host.slice(1, -1)} (got ${shown})`;
  }
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length > 0 && name.length <= 253 && name.split('.').every((label) => LABEL.test(label))) return undefined;
  return `must be an IP address (127.0.0.1, 0.0.0.0 for every interface, ::1) or a host name such as localhost (got ${shown})`;
}
