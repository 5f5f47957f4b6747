/**
 * `JSON.parse` reads a number too large for a double (`1e400`, a 400-digit integer) as ±Infinity, which passes
 * `typeof x === 'number'` and most schema checks, yet JSON has no way to write it: served or saved, it would become
 * `null`. Every boundary that keeps or answers with parsed JSON refuses such a value right after parsing.
 */

/**
 * Where the first number that is not finite sits in a parsed JSON value (`items.0.q`; `(the value)` for the value
 * itself), or undefined when there is none. Walked without recursion: call it after the depth check.
 */
export function nonFiniteNumberAt(value: unknown): string | undefined {
  // Almost every value has none: looked for without building paths, which are made only for the one found.
  return holdsNonFinite(value) ? pathToNonFinite(value) : undefined;
}

function holdsNonFinite(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'number') {
      if (!Number.isFinite(current)) return true;
    } else if (Array.isArray(current)) {
      for (let index = 0; index < current.length; index++) {
        const child: unknown = current[index];
        if (typeof child === 'object' && child !== null) stack.push(child);
        else if (typeof child === 'number' && !Number.isFinite(child)) return true;
      }
    } else if (current !== null && typeof current === 'object') {
      for (const key in current) {
        const child = (current as Record<string, unknown>)[key];
        if (typeof child === 'object' && child !== null) stack.push(child);
        else if (typeof child === 'number' && !Number.isFinite(child)) return true;
      }
    }
  }
  return false;
}

function pathToNonFinite(value: unknown): string {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [current, path] = stack.pop() as [unknown, string];
    if (typeof current === 'number' && !Number.isFinite(current)) return path || '(the value)';
    if (current !== null && typeof current === 'object')
      for (const [key, child] of Object.entries(current)) stack.push([child, path ? `${path}.${key}` : key]);
  }
  return '(the value)';
}

/** What to tell a client whose JSON holds such a number. */
export function nonFiniteNumberMessage(at: string): string {
  return `the number at ${at} is out of range: JSON numbers here are finite, at most about ±1.8e308`;
}
