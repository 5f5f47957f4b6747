import { z } from 'zod';

/**
 * Schemas for query parameters, which arrive as strings (or arrays of strings when repeated), parsed the
 * way FastAPI parses them so clients see the same 422s: `int_parsing`, `bool_parsing`, range errors.
 */

/** FastAPI reads the last of a repeated scalar parameter. */
const lastValue = (value: unknown): unknown => (Array.isArray(value) ? value.at(-1) : value);

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;

const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

/** A text as one of pydantic's lax booleans (`yes`, `off`, `1`…), or undefined when it is none of them. */
export function laxBoolean(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : undefined;
}

export function queryString() {
  return z.preprocess(lastValue, z.string());
}

/** A query text parsed by `parse`, or FastAPI's parsing error (`type`, `message`) when it returns undefined. */
function parsedText<T>(parse: (text: string) => T | undefined, type: string, message: string) {
  return z.string().transform((text, ctx) => {
    const value = parse(text);
    if (value !== undefined) return value;
    ctx.issues.push({ code: 'custom', input: text, message, params: { type } });
    return z.NEVER;
  });
}

export function queryInteger(bounds: { min?: number; max?: number } = {}) {
  let range = z.number();
  if (bounds.min !== undefined) range = range.min(bounds.min);
  if (bounds.max !== undefined) range = range.max(bounds.max);
  return z.preprocess(
    lastValue,
    parsedText(
      (text) => (INTEGER_TEXT.test(text) ? Number(text) : undefined),
      'int_parsing',
      'Input should be a valid integer, unable to parse string as an integer',
    ).pipe(range),
  );
}

export function queryBoolean() {
  return z.preprocess(
    lastValue,
    parsedText(laxBoolean, 'bool_parsing', 'Input should be a valid boolean, unable to interpret input'),
  );
}
