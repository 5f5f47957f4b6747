import { useId } from 'react';
import type { ConnectionSummary } from '../../../../shared/connections';

/**
 * Why an action on this one connection is off once it is no longer open (the engine would answer 409): "this
 * connection is closed" (or closing), said the same way beside every button of the inject drawer. Null while open.
 */
export function notOpenWords({ state }: Pick<ConnectionSummary, 'state'>): string | null {
  return state === 'open' ? null : `this connection is ${state}`;
}

/** `notOpenWords` as a list of problems for `BlockedReason`: empty while the connection is open. */
export function notOpenProblems(connection: Pick<ConnectionSummary, 'state'>): string[] {
  const words = notOpenWords(connection);
  return words === null ? [] : [words];
}

/**
 * For a form whose buttons are off only while the connection is not open: whether it is open, the problems its
 * `BlockedReason` (with id `blockedId`) shows, and what the buttons' `aria-describedby` names (nothing while open).
 */
export function useNotOpenReason(connection: Pick<ConnectionSummary, 'state'>) {
  const blockedId = useId();
  const problems = notOpenProblems(connection);
  const open = problems.length === 0;
  return { open, problems, blockedId, describedBy: open ? undefined : blockedId };
}
