/**
 * Nesting limits for JSON that comes from outside (request bodies, socket frames, control API input, files).
 * `JSON.parse` copes with any depth, but most of what follows it (JSON.stringify, zod, structuredClone, freezing)
 * recurses and throws a RangeError somewhere around a few thousand levels: a value that deep could be stored and
 * then never served or saved again. Every boundary checks depth right after parsing, with this one iterative walk.
 */

/**
 * The depth of a parsed JSON value, counting objects and arrays (a scalar is 0, `{}` is 1, `{"a":[1]}` is 2),
 * walked without recursion. Stops counting as soon as `limit` is exceeded and returns `limit + 1`, so a hostile
 * value costs no more than it takes to find out it is too deep. `onScalar` sees every scalar inside an object or
 * array on the way (so a boundary checks what it holds in the same walk).
 */
export function jsonDepth(
  value: unknown,
  limit = Number.POSITIVE_INFINITY,
  onScalar?: (scalar: unknown) => void,
): number {
  if (value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (depth > deepest) {
      deepest = depth;
      if (deepest > limit) return limit + 1;
    }
    const children = Array.isArray(current) ? current : Object.values(current as object);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
      else onScalar?.(child);
    }
  }
  return deepest;
}

/**
 * The keys that lead to the first object or array, in document order, deeper than `limit` (as `jsonDepth` counts):
 * where a value `jsonDepth` found too deep is too deep, for a message that names the place. Undefined when none is.
 * Walked without recursion, and no deeper than `limit + 1` (a cyclic value too).
 */
export function keysPastDepth(value: unknown, limit: number): string[] | undefined {
  interface Step {
    value: unknown;
    depth: number;
    key?: string;
    parent?: Step;
  }
  const stack: Step[] = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    if (step.value === null || typeof step.value !== 'object') continue;
    if (step.depth > limit) {
      const keys: string[] = [];
      for (let at: Step | undefined = step; at?.key !== undefined; at = at.parent) keys.unshift(at.key);
      return keys;
    }
    const entries = Object.entries(step.value);
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, child] = entries[index] as [string, unknown];
      stack.push({ value: child, depth: step.depth + 1, key, parent: step });
    }
  }
  return undefined;
}

/** Whether `value` nests deeper than `maxDepth`. */
export function exceedsJsonDepth(value: unknown, maxDepth: number): boolean {
  return jsonDepth(value, maxDepth) > maxDepth;
}

/** What to tell a client whose JSON nests too deep: the limit, and what sets it (the setting, unless said). */
export function jsonDepthMessage(maxDepth: number, setBy = 'setting maxJsonDepth'): string {
  return `JSON nested deeper than the limit of ${maxDepth} levels (${setBy})`;
}
