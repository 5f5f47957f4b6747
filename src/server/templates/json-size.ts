import Handlebars from 'handlebars';

/**
 * `left` less the size of `value` written as JSON (escapes aside), with `spaces` of indentation per level as
 * `JSON.stringify(value, null, spaces)` writes it when given (each item on its own line, indented to its `depth`);
 * stops once below zero (the caller only needs to know it is too large).
 */
export function jsonSize(value: unknown, left: number, spaces = 0, depth = 0): number {
  switch (typeof value) {
    case 'string':
      return left - value.length - 2;
    case 'number':
      return left - numberSize(value);
    case 'boolean':
      return left - 5;
    case 'bigint':
      return left - 24;
    case 'object': {
      if (value === null) return left - 4;
      if (value instanceof Handlebars.SafeString) return left - value.toString().length - 2;
      // An item's line break and indentation, and the closing bracket's, when indented.
      const line = spaces === 0 ? 0 : 1 + spaces * (depth + 1);
      const close = spaces === 0 ? 0 : 1 + spaces * depth;
      if (Array.isArray(value)) {
        let rest = left - value.length - 1 - close;
        for (let index = 0; index < value.length && rest >= 0; index++)
          rest = jsonSize(value[index], rest - line, spaces, depth + 1);
        return rest;
      }
      let rest = left - 2 - close;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        rest = jsonSize((value as Record<string, unknown>)[key], rest - key.length - 4 - line, spaces, depth + 1);
        if (rest < 0) return rest;
      }
      return rest;
    }
    default:
      return left - 4;
  }
}

function numberSize(value: number): number {
  if (!Number.isSafeInteger(value)) return 24;
  let size = value < 0 ? 2 : 1;
  for (let rest = Math.abs(value); rest >= 10; rest = Math.floor(rest / 10)) size++;
  return size;
}
