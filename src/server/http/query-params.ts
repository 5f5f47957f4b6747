import { z } from 'zod';

/**
 * Schemas for query parameters, which arrive as strings (or arrays of strings when repeated), parsed the
 * way FastAPI parses them so clients see the same 422s: `int_parsing`, `bool_parsing`, range errors.
 */

/** FastAPI reads the last of a repeated scalar parameter. */
const lastValue = (value: unknown): unknown => (Array.isArray(value) ? value.at(-1) : value);

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;

/** pydantic's lax booleans. */
const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

export function queryString() {
  return z.preprocess(lastValue, z.string());
}

export function queryInteger(bounds: { min?: number; max?: number } = {}) {
  let range = z.number();
  if (bounds.min !== undefined) range = range.min(bounds.min);
  if (bounds.max !== undefined) range = range.max(bounds.max);
  return z.preprocess(
    lastValue,
    z
      .string()
      .transform((text, ctx) => {
        if (INTEGER_TEXT.test(text)) return Number(text);
        ctx.issues.push({
          code: 'custom',
          input: text,
          message: 'Input should be a valid integer, unable to parse string as an integer',
          params: { type: 'int_parsing' },
        });
        return z.NEVER;
      })
      .pipe(range),
  );
}

export function queryBoolean() {
  return z.preprocess(
    lastValue,
    z.string().transform((text, ctx) => {
      const word = text.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      ctx.issues.push({
        code: 'custom',
        input: text,
        message: 'Input should be a valid boolean, unable to interpret input',
        params: { type: 'bool_parsing' },
      });
      return z.NEVER;
    }),
  );
}
