/** Text in a canonical key that is not a value: brackets, commas, an object's key. */
class Mark {
  constructor(readonly text: string) {}
}
const COMMA = new Mark(',');
const END_ARRAY = new Mark(']');
const END_OBJECT = new Mark('}');

/**
 * A value as JSON with every object's keys sorted: equal for values JSON Schema calls equal (numbers by value,
 * arrays in order, objects whatever their key order), different otherwise (strings are quoted, so `["a,b"]` is not
 * `["a","b"]`). Keys are read as own properties whatever their name (`__proto__`, `valueOf`). Built with a stack
 * of its own, not by recursion, so no nesting runs it out of stack.
 */
export function canonicalJson(value: unknown): string {
  let text = '';
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next instanceof Mark) {
      text += next.text;
    } else if (Array.isArray(next)) {
      text += '[';
      pending.push(END_ARRAY);
      for (let index = next.length - 1; index >= 0; index--) {
        pending.push(next[index]);
        if (index > 0) pending.push(COMMA);
      }
    } else if (next !== null && typeof next === 'object') {
      text += '{';
      pending.push(END_OBJECT);
      const names = Object.keys(next).sort();
      for (let index = names.length - 1; index >= 0; index--) {
        const name = names[index] as string;
        pending.push(
          (next as Record<string, unknown>)[name],
          new Mark(`${index > 0 ? ',' : ''}${JSON.stringify(name)}:`),
        );
      }
    } else {
      // Numbers by value (`1.0` parses as 1); `String`, not JSON, so `Infinity` (text converted) is not `null`.
      text += typeof next === 'string' ? JSON.stringify(next) : String(next);
    }
  }
  return text;
}
