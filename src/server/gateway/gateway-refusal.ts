import type { Context } from 'koa';
import type { ApiKeyGate } from './api-key-gate';

/** What the request log says about a refused request (never the key itself). */
const REST_REFUSALS = {
  missing: 'gateway auth: no X-API-Key header',
  wrong: 'gateway auth: X-API-Key is not one of the keys',
} as const;

/**
 * The gateway's check in front of every mocked REST request (agents on the HTTP binding included): without a valid
 * `X-API-Key` the request is answered 401 `{"detail": "Invalid or missing API key"}`, as such a gateway answers, and
 * the reason is kept on the request for the log. Returns true when it answered (refused) the request. The mocked
 * API's pipeline runs it after CORS, so preflights never need the key.
 */
export function refusedByGateway(ctx: Context, gate: ApiKeyGate): boolean {
  const refusal = gate.check(ctx.get('X-API-Key'));
  if (refusal === undefined) return false;
  ctx.state.gatewayRefusal = REST_REFUSALS[refusal];
  ctx.status = 401;
  ctx.body = { detail: 'Invalid or missing API key' };
  return true;
}
