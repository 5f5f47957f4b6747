import { jsonDepth, jsonDepthMessage } from './json-depth';

/**
 * `JSON.parse` reads a number too large for a double (`1e400`, a 400-digit integer) as ±Infinity, which passes
 * `typeof x === 'number'` and most schema checks, yet JSON has no way to write it: served or saved, it would become
 * `null`. Request bodies and socket frames are refused for it where their depth is checked (the control API and
 * workspace files are refused for it by place too, before their schema, which would say only "must be a number").
 */

/**
 * Why parsed JSON from outside is refused, or undefined when it is not: nested deeper than `maxDepth` (`setBy` names
 * what sets it), or holding a number that is not finite (its place named: `items.0.q`). Both in one walk.
 */
export function parsedJsonRefusal(value: unknown, maxDepth: number, setBy?: string): string | undefined {
  let nonFinite = isNonFinite(value);
  const depth = jsonDepth(value, maxDepth, (scalar) => {
    if (isNonFinite(scalar)) nonFinite = true;
  });
  if (depth > maxDepth) return jsonDepthMessage(maxDepth, setBy);
  // Almost every value has none: the path is made only for the one found.
  if (nonFinite)
    return `the number at ${pathToNonFinite(value)} is out of range: JSON numbers here are finite, at most about ±1.8e308`;
  return undefined;
}

export function isNonFinite(value: unknown): boolean {
  return typeof value === 'number' && !Number.isFinite(value);
}

/** Where (`items.0.q`) the first number that is not finite is, in a value known to hold one. */
export function pathToNonFinite(value: unknown): string {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [current, path] = stack.pop() as [unknown, string];
    if (isNonFinite(current)) return path || '(the value)';
    if (current !== null && typeof current === 'object')
      for (const [key, child] of Object.entries(current)) stack.push([child, path ? `${path}.${key}` : key]);
  }
  return '(the value)';
}
