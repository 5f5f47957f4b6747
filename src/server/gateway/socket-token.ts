import type { IncomingMessage } from 'node:http';
import { upgradeQuery } from '../ws/upgrade-path';
import type { ApiKeyGate } from './api-key-gate';

/** What the connection list says about a refused socket (never the token itself). */
const SOCKET_REFUSALS = {
  missing: 'gateway auth: no ?token= in the URL',
  wrong: 'gateway auth: ?token= is not one of the keys',
} as const;

/** The close a gateway answers a socket without a valid token with (a client such as HAI asks for a key and stops retrying). */
export const UNAUTHORIZED_CLOSE = { code: 4001, reason: 'Unauthorized' } as const;

/** Why the gateway refuses this WebSocket upgrade (its `?token=`), or undefined when it may pass. */
export function socketTokenRefusal(gate: ApiKeyGate, request: IncomingMessage): string | undefined {
  if (!gate.enabled) return undefined;
  const refusal = gate.check(upgradeQuery(request).get('token'));
  return refusal && SOCKET_REFUSALS[refusal];
}
