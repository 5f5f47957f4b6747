import type { ValidationIssue } from './http-errors';

/**
 * A body whose id is not the one its path names (`PUT /scenarios/a` with `"id": "b"`), as every write that names its
 * item in the path answers it: a `value_error` at the body's id (`loc`), worded as pydantic words a validator's
 * ValueError, echoing the id sent.
 */
export function pathIdMismatch(
  loc: (string | number)[],
  field: string,
  given: unknown,
  pathId: unknown,
): ValidationIssue {
  return {
    type: 'value_error',
    loc,
    msg: `Value error, the ${field} in the body (${JSON.stringify(given)}) differs from the one in the path (${JSON.stringify(pathId)}): give the same one in both`,
    input: given,
  };
}
