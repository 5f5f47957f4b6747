import { randomUUID } from 'node:crypto';
import type { ID_TYPES } from '../../../shared/mounts/collection';
import type { ValidationIssue } from '../../http/http-errors';
import { inexactInteger } from '../number-text';

export type IdType = (typeof ID_TYPES)[number];
export type RecordId = number | string;

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
/** The longest string id: in a URL it is at most a few kilobytes even when every character is escaped. */
const MAX_STRING_ID = 1000;
/** In a `u` regexp a pair is one code point: only a surrogate on its own is one of these. */
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How ids are compared: UUIDs whatever their case. */
export function idKey(id: RecordId, type: IdType): string {
  return type === 'uuid' ? String(id).toLowerCase() : String(id);
}

/** An id from the URL, converted to the collection's type, or FastAPI's error for it (at `loc`). */
export function parseIdText(text: string, type: IdType, loc: (string | number)[]): RecordId | ValidationIssue {
  switch (type) {
    case 'integer': {
      const integer = INTEGER_TEXT.test(text);
      const value = integer ? Number(text) : Number.NaN;
      if (integer && !Number.isSafeInteger(value))
        // Integer text, just past what a number holds exactly: said so, not that it is no integer.
        return inexactInteger(text, loc);
      return Number.isSafeInteger(value)
        ? value
        : {
            type: 'int_parsing',
            loc,
            msg: 'Input should be a valid integer, unable to parse string as an integer',
            input: text,
          };
    }
    case 'uuid':
      return UUID.test(text) ? text : uuidIssue(text, loc);
    case 'string':
      return text;
  }
}

/** The problem with an id found in a record, or undefined when it has the collection's type. */
export function idValueIssue(value: unknown, type: IdType, loc: (string | number)[]): ValidationIssue | undefined {
  switch (type) {
    case 'integer':
      if (Number.isSafeInteger(value)) return undefined;
      if (Number.isInteger(value))
        return {
          type: 'value_error',
          loc,
          msg: `Value error, an integer id is at most ${Number.MAX_SAFE_INTEGER} in size (larger ones lose digits as JSON numbers)`,
          input: value,
        };
      return typeof value === 'number'
        ? {
            type: 'int_from_float',
            loc,
            msg: 'Input should be a valid integer, got a number with a fractional part',
            input: value,
          }
        : { type: 'int_type', loc, msg: 'Input should be a valid integer', input: value };
    case 'uuid':
      if (typeof value === 'string' && UUID.test(value)) return undefined;
      return typeof value === 'string'
        ? uuidIssue(value, loc)
        : {
            type: 'uuid_type',
            loc,
            msg: 'UUID input should be a string, bytes or UUID object',
            input: value,
          };
    case 'string':
      if (typeof value !== 'string')
        return { type: 'string_type', loc, msg: 'Input should be a valid string', input: value };
      return stringIdIssue(value, loc);
  }
}

/**
 * Why a text cannot be a record's id: an id must be able to stand in a URL (`/books/:id`) — not empty, not so long
 * that the request line passes what servers read, not a dot segment clients resolve away, and without a lone
 * surrogate, which no URL can encode.
 */
function stringIdIssue(value: string, loc: (string | number)[]): ValidationIssue | undefined {
  if (value.length === 0)
    return {
      type: 'string_too_short',
      loc,
      msg: 'String should have at least 1 character',
      input: value,
      ctx: { min_length: 1 },
    };
  if (value.length > MAX_STRING_ID)
    return {
      type: 'string_too_long',
      loc,
      msg: `String should have at most ${MAX_STRING_ID} characters`,
      input: value,
      ctx: { max_length: MAX_STRING_ID },
    };
  if (value === '.' || value === '..')
    return {
      type: 'value_error',
      loc,
      msg: `Value error, an id of ${JSON.stringify(value)} cannot stand in a URL: clients resolve /items/${value} before they send it (to /items/ or /), so the record could never be read; give it another id`,
      input: value,
    };
  if (LONE_SURROGATE.test(value))
    return {
      type: 'string_unicode',
      loc,
      msg: 'Input should be a valid string: it holds a lone surrogate (half of a UTF-16 pair), which no URL can carry',
      input: value.replaceAll(LONE_SURROGATES, '\uFFFD'),
    };
  return undefined;
}

/** A new id: the next integer (never one used before in this world), or a random UUID. */
export function newId(type: IdType, nextInteger: number): RecordId {
  return type === 'integer' ? nextInteger : randomUUID();
}

function uuidIssue(text: string, loc: (string | number)[]): ValidationIssue {
  return {
    type: 'uuid_parsing',
    loc,
    msg: 'Input should be a valid UUID, unable to parse string as a UUID',
    input: text,
  };
}
