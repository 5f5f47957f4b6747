import type { ConnectionSummary } from '../../../../shared/connections';

/**
 * Why an action on this one connection is off once it is no longer open (the engine would answer 409): "this
 * connection is closed" (or closing), said the same way beside every button of the inject drawer. Null while open.
 */
export function notOpenWords({ state }: Pick<ConnectionSummary, 'state'>): string | null {
  return state === 'open' ? null : `this connection is ${state}`;
}
