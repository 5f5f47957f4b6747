import type { ValidationIssue } from '../http/http-errors';

/**
 * Text read as a number the way pydantic's lax mode (FastAPI's, for path, query, header and form values) reads it,
 * not as JavaScript's `Number` does: no `0x10`, `0b111`, `0o7` nor `Infinity` for either, no exponent nor `5.` for
 * an integer. Checked against pydantic 2.13 (pydantic-core 2.46).
 */

/** What pydantic-core trims (Rust's `str::trim`, Unicode White_Space): `\s` would also take U+FEFF, not U+0085. */
const SPACE = '[\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*';

/** Digits with single underscores between them (`1_000`), a fraction of zeros only (`5.0`, never `5.`). */
const INTEGER = new RegExp(`^${SPACE}([+-]?\\d+(?:_\\d+)*)(?:\\.0+)?${SPACE}$`);

/** A float as Rust parses one (`1.5`, `.5`, `5.`, `1e3`, `inf`, `infinity`, `nan` in any case); one way only to match. */
const FLOAT_BODY = '[+-]?(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:e[+-]?\\d+)?|inf(?:inity)?|nan)';
const FLOAT = new RegExp(`^${SPACE}(${FLOAT_BODY})${SPACE}$`, 'i');
const BARE_FLOAT = new RegExp(`^${FLOAT_BODY}$`, 'i');

/**
 * Integer text as pydantic reads it: its value (possibly past what a number holds exactly: the caller refuses
 * that), or undefined when pydantic answers `int_parsing`.
 */
export function integerText(text: string): number | undefined {
  const digits = INTEGER.exec(text)?.[1];
  if (digits === undefined) return undefined;
  const value = Number(digits.includes('_') ? digits.replaceAll('_', '') : digits);
  // `-0` is 0, as Python's integers have no negative zero.
  return value === 0 ? 0 : value;
}

/**
 * Number text as pydantic reads a float: its value (`inf` and `nan` included, as pydantic takes them by default),
 * or undefined when pydantic answers `float_parsing`.
 */
export function numberText(text: string): number | undefined {
  let body = FLOAT.exec(text)?.[1];
  // pydantic-core tries again without underscores, on the text untrimmed: single ones, neither first nor last
  // (`1_0.5`, `5_.0`; not `_1`, `1__0`, ` 1_0.5`).
  if (
    body === undefined &&
    text.includes('_') &&
    !text.startsWith('_') &&
    !text.endsWith('_') &&
    !text.includes('__')
  ) {
    const stripped = text.replaceAll('_', '');
    if (BARE_FLOAT.test(stripped)) body = stripped;
  }
  if (body === undefined) return undefined;
  const last = body.at(-1)?.toLowerCase();
  if (last === 'n') return Number.NaN;
  if (last === 'f' || last === 'y') return body.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return Number(body);
}

/**
 * Integer text a number cannot hold exactly (`9007199254740993` would be read as …992): pydantic keeps any integer,
 * this engine's numbers cannot, so it says so rather than answer for another value, or call it no integer.
 */
export function inexactInteger(text: string, at: (string | number)[]): ValidationIssue {
  return {
    type: 'value_error',
    loc: at,
    msg: `Value error, ${text.trim()} is past the integers this mock keeps exact (-9007199254740991 to 9007199254740991)`,
    input: text,
  };
}
