import { isDeepStrictEqual } from 'node:util';

/**
 * Equality for values that may have arrived as text: path and query parameters and headers are strings unless a
 * schema converted them, so `1` and `"1"` are equal here, as are `true` and `"true"`. Objects and arrays compare
 * deeply and strictly.
 */
export function looseEquals(actual: unknown, expected: unknown): boolean {
  if (isDeepStrictEqual(actual, expected)) return true;
  const scalar = (value: unknown) => value !== null && typeof value !== 'object' && value !== undefined;
  return scalar(actual) && scalar(expected) && String(actual) === String(expected);
}
