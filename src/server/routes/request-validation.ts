import type { ErrorObject } from 'ajv';
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json-value';
import { inMediaRanges } from '../../shared/media-type-range';
import type { RequestValidation } from '../../shared/mounts/route';
import { HttpError, RequestValidationError, type ValidationIssue } from '../http/http-errors';
import { toPydanticIssues } from '../http/json-schema-issues';
import { laxBoolean } from '../http/query-params';
import type { RequestBody } from '../http/request-body';
import type { RequestPart } from '../http/validation';
import { pointerKeys } from '../support/json-pointer';
import { UserRegexBudgetError } from '../support/user-regex';
import type { IssuePath, MountIssues } from '../world/mount-validation-error';
import { bodyIssue } from './body-issues';
import { headerNameProblem } from './header-name';
import { type JsonSchemas, type SchemaCheck, SchemaRecursionError } from './json-schemas';
import { checkLaxJson, INTEGER_TEXT } from './lax-json-values';
import { inexactInteger, integerText, numberText } from './number-text';
import type { RequestValues } from './request-conditions';

/** A route's `validate`, compiled: checks a request like FastAPI and gives back its values converted to their types. */
export interface CompiledRequestValidation {
  readonly needsBody: boolean;
  /** The converted values, or a RequestValidationError (422) listing every problem: path, query, header, body. */
  validate(values: RequestValues): RequestValues;
}

interface TextPart {
  check: SchemaCheck;
  /** Top-level properties declared as arrays (all values of a repeated parameter) or booleans (lax words). */
  arrays: Set<string>;
  booleans: Set<string>;
  /** Top-level properties declared as integers: text past the exact range of a JavaScript number is refused. */
  integers: Set<string>;
  /**
   * Top-level properties declared as numbers only (`integer`, `number`), or as arrays of them: their text is read
   * here as pydantic reads it, not left to ajv (JavaScript's `+text` takes `0x10`, `Infinity`, `1e1` for an integer).
   */
  numbers: Map<string, NumberKind>;
  /** A form body's: its fields' defaults as declared, filled in after the check for the fields not sent. */
  defaults?: ReadonlyMap<string, JsonValue>;
}

export function compileRequestValidation(
  validate: RequestValidation,
  schemas: JsonSchemas,
  at: IssuePath,
  issues: MountIssues,
): CompiledRequestValidation {
  const compile = (schema: JsonObject | undefined, key: string, input: 'text' | 'json') => {
    if (!schema) return undefined;
    try {
      return schemas.compile(schema, input);
    } catch (error) {
      issues.add([...at, key], `invalid JSON Schema: ${(error as Error).message}`);
      return undefined;
    }
  };
  const textPart = (declared: JsonObject | undefined, key: string, report = true): TextPart | undefined => {
    const schema = declared && withoutNullAlternatives(declared);
    const check = report ? compile(schema, key, 'text') : schema && schemas.compile(schema, 'text');
    if (!check || !schema) return undefined;
    const properties = (schema.properties ?? {}) as Record<string, { type?: unknown }>;
    const typed = (type: string) =>
      new Set(
        Object.entries(properties)
          .filter(([, property]) => [property?.type].flat().includes(type))
          .map(([name]) => name),
      );
    const numbers = new Map<string, NumberKind>();
    for (const [name, property] of Object.entries(properties)) {
      const kind = numberKind(property);
      const items = property?.type === 'array' ? numberKind((property as { items?: unknown }).items) : undefined;
      if (kind) numbers.set(name, kind);
      else if (items) numbers.set(name, `${items}[]`);
    }
    return { check, arrays: typed('array'), booleans: typed('boolean'), integers: typed('integer'), numbers };
  };
  if (validate.headers) {
    // Requests carry header names lower-case; a schema naming `X-Token` would never see it.
    const names = [
      ...Object.keys((validate.headers.properties ?? {}) as object),
      ...((validate.headers.required ?? []) as unknown[]).map(String),
    ];
    for (const name of new Set(names)) {
      // No client sends a header by a name HTTP does not allow: a schema naming one could only ever refuse.
      const nameProblem = headerNameProblem(name);
      if (nameProblem) issues.add([...at, 'headers'], nameProblem);
      else if (name !== name.toLowerCase())
        issues.add([...at, 'headers'], `header names are matched lower-case: write "${name.toLowerCase()}"`);
    }
  }
  const params = textPart(validate.params, 'params');
  const query = textPart(validate.query, 'query');
  const headers = textPart(validate.headers, 'headers');
  // Only schemas that compile: one that does not was reported as such.
  for (const [key, part] of [
    ['params', params],
    ['query', query],
    ['headers', headers],
  ] as const) {
    const problem = part && notAnObjectProblem(validate[key], key);
    if (problem) issues.add([...at, key], problem);
  }
  const body = compile(validate.body, 'body', 'json');
  const bodyRequired = validate.bodyRequired;
  // Form fields are text, as query values are, and FastAPI converts them alike (`a=1` for an integer): the body
  // schema as a text part, compiled on the first form body (most routes never see one; it compiled as JSON already).
  let formBody: TextPart | undefined | null = null;
  const formPart = () => {
    if (formBody === null) {
      // Its fields' defaults are filled in as declared, as JSON's are — `null` too, which a text part never takes.
      const defaults = validate.body ? fieldDefaults(validate.body) : new Map<string, JsonValue>();
      const part = body && validate.body && textPart(withoutFieldDefaults(validate.body, defaults), 'body', false);
      formBody = part ? { ...part, defaults } : undefined;
    }
    return formBody;
  };

  const uncheckedMediaTypes = validate.uncheckedMediaTypes ?? [];
  const isUnchecked = ({ body: read, headers }: RequestValues) =>
    (read.kind === 'text' || read.kind === 'form' || read.kind === 'unread') &&
    inMediaRanges(String(headers['content-type'] ?? ''), uncheckedMediaTypes);

  return {
    needsBody: body !== undefined,
    validate(values) {
      try {
        return validateRequest(values);
      } catch (error) {
        // So many or such long values that the schema's patterns would hold the engine: the request's doing.
        if (error instanceof UserRegexBudgetError)
          throw new HttpError(
            413,
            `Content Too Large: checking this request against the route's schemas: ${error.message}`,
          );
        if (!(error instanceof SchemaRecursionError)) throw error;
        // The route's schema is at fault, not the request: a server error that says what to fix.
        throw new HttpError(500, `Internal Server Error: this route's validation failed: ${error.message}`);
      }
    },
  };

  function validateRequest(values: RequestValues): RequestValues {
    const found: ValidationIssue[] = [];
    const checkText = (part: TextPart | undefined, raw: Record<string, unknown>, loc: RequestPart) => {
      if (!part) return raw;
      const value = prepareText(raw, part, loc, found);
      for (const issue of inexactIntegers(value, part, loc)) found.push(issue);
      const errors = part.check(value);
      if (errors) {
        // Problems echo the text as sent, as FastAPI does (`"input": "0"` for `?page=0`), not what validating
        // converted it to in place: prepared again from the request's values, which validating never touches.
        const sent = prepareText(raw, part);
        const aboutSent = errorsAboutSent(errors, sent);
        if (aboutSent) found.push(...toPydanticIssues(aboutSent, sent, loc));
      }
      for (const [name, fallback] of part.defaults ?? [])
        if (!Object.hasOwn(value, name)) value[name] = structuredClone(fallback);
      return value;
    };
    const checked: RequestValues = {
      ...values,
      params: checkText(params, values.params, 'path'),
      query: checkText(query, values.query, 'query'),
      headers: checkText(headers, values.headers, 'header'),
    };
    // A body in one of these is taken as sent: the body schema describes the route's JSON.
    const unchecked = isUnchecked(values);
    const form = values.body.kind === 'form' && !unchecked ? formPart() : undefined;
    if (form && values.body.kind === 'form') checked.bodyValue = checkText(form, values.body.value, 'body');
    else if (body && !unchecked)
      checked.bodyValue = checkBody(body, values.body, values.bodyValue, bodyRequired, found);
    if (found.length > 0) throw new RequestValidationError(found);
    return checked;
  }
}

/**
 * Text values as the schema expects them: the last of a repeated value (all of them for arrays), lax booleans;
 * with `found`, numbers read as pydantic reads them (`readNumber`) — without, they stay the text sent, to echo.
 */
function prepareText(
  raw: Record<string, unknown>,
  part: TextPart,
  loc?: RequestPart,
  found?: ValidationIssue[],
): Record<string, unknown> {
  // Without a prototype: a parameter named `__proto__` is a value like any other, required or checked.
  const value: Record<string, unknown> = Object.create(null);
  for (const [name, given] of Object.entries(raw)) {
    if (given === undefined) continue;
    let item = part.arrays.has(name) ? [given].flat() : Array.isArray(given) ? given.at(-1) : given;
    // Any other word stays text, for the schema to report as FastAPI does (`bool_parsing`).
    if (part.booleans.has(name) && typeof item === 'string') item = laxBoolean(item) ?? item;
    else if (found && loc && part.numbers.size > 0) {
      const kind = part.numbers.get(name);
      if (kind === 'integer' || kind === 'number') item = readNumber(item, kind, [loc, name], found);
      else if (kind && Array.isArray(item)) {
        const itemKind = kind === 'integer[]' ? 'integer' : 'number';
        // `item` is a fresh list (`[given].flat()`): the request's own values stay as sent.
        for (let index = 0; index < item.length; index++)
          item[index] = readNumber(item[index], itemKind, [loc, name, index], found);
      }
    }
    value[name] = item;
  }
  return value;
}

/** What a request's parameters, query or headers are to a schema: always an object of their names. */
const TEXT_PART_WORDS = { params: 'the path parameters', query: 'the query parameters', headers: 'the headers' };

/**
 * Why a schema for the parameters, query or headers could never be satisfied by its type (`{"type": "string"}`
 * would answer 422 to every request), or undefined when its type allows an object.
 */
function notAnObjectProblem(schema: JsonObject | undefined, key: keyof typeof TEXT_PART_WORDS): string | undefined {
  const types = schema?.type === undefined ? ['object'] : [schema.type].flat();
  if (types.includes('object')) return undefined;
  const declared = types.map((type) => JSON.stringify(type)).join(' or ');
  return (
    `validate.${key} must describe an object (${TEXT_PART_WORDS[key]} by name), not ${declared}: ` +
    'write {"type": "object", "properties": {…}}'
  );
}

type NumberKind = 'integer' | 'number' | 'integer[]' | 'number[]';

/** `integer` or `number` for a schema whose types, but for `null`, are only these (`number` when it has both). */
function numberKind(schema: unknown): 'integer' | 'number' | undefined {
  if (!isJsonObject(schema as JsonValue)) return undefined;
  const types = [(schema as JsonObject).type].flat().filter((type) => type !== 'null');
  if (types.length === 0 || !types.every((type) => type === 'integer' || type === 'number')) return undefined;
  return types.includes('number') ? 'number' : 'integer';
}

/**
 * A value for a parameter declared `kind`, as pydantic reads its text: the number, or — for text it refuses —
 * something ajv neither converts nor takes (a boxed string), so that it reports the type: `int_parsing` or
 * `float_parsing`, echoing the text as sent. Text `+text` reads as NaN is left as it is: ajv converts none of it.
 * An integer a number cannot hold exactly is refused here (`inexactInteger`), and checked as the nearest number.
 */
function readNumber(
  item: unknown,
  kind: 'integer' | 'number',
  at: (string | number)[],
  found: ValidationIssue[],
): unknown {
  if (typeof item !== 'string') return item;
  const read = kind === 'integer' ? integerText(item) : numberText(item);
  if (read === undefined) return item === '' || Number.isNaN(+item) ? item : new String(item);
  if (kind === 'integer' && !Number.isSafeInteger(read)) found.push(inexactInteger(item, at));
  return read;
}

/**
 * Integer text a number cannot hold exactly (`9007199254740993` would be read as …992): pydantic keeps any integer,
 * this engine's numbers cannot, so it says so rather than answer for another value.
 */
function inexactIntegers(value: Record<string, unknown>, part: TextPart, loc: RequestPart): ValidationIssue[] {
  const found: ValidationIssue[] = [];
  for (const name of part.integers) {
    const text = value[name];
    if (typeof text === 'string' && INTEGER_TEXT.test(text) && !Number.isSafeInteger(Number(text)))
      found.push(inexactInteger(text, [loc, name]));
  }
  return found;
}

/**
 * A parameters schema whose optionals — `anyOf`/`oneOf` (FastAPI's `Optional[int]`: `[{type: integer}, {type:
 * null}]`) or a type list (OpenAPI 3.0's `nullable`, imported as `type: ["integer", "null"]`) — are their one type:
 * a value from the URL or a header is text, never JSON null, and an absent one is just absent. Left to ajv, the
 * union would turn `""` into null and word a bad value as a union mismatch, not as `int_parsing`, and the array or
 * boolean it stands for would not collect repeated values nor read lax words.
 */
function withoutNullAlternatives(schema: JsonObject): JsonObject {
  const properties = schema.properties;
  if (!isJsonObject(properties)) return schema;
  return {
    ...schema,
    properties: Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, nonNull(property)])),
  };
}

function nonNull(property: JsonValue): JsonValue {
  if (!isJsonObject(property)) return property;
  if (property.default === null) {
    // `{"type": "string", "default": null}` (FastAPI's `q: str = None`): text is never null, and ajv's converting
    // would fill in "" (0 for a number, false for a boolean) — a value nobody sent. Absent stays absent.
    const { default: _null, ...rest } = property;
    return nonNull(rest);
  }
  if (Array.isArray(property.type)) return withoutNullType(property);
  const { anyOf, oneOf, ...annotations } = property;
  const union = anyOf ?? oneOf;
  if (!Array.isArray(union) || union.length !== 2 || (anyOf && oneOf)) return property;
  const others = union.filter((alternative) => !(isJsonObject(alternative) && alternative.type === 'null'));
  if (others.length !== 1 || !isJsonObject(others[0])) return property;
  // Its title and description stay (a null default is gone already).
  return { ...annotations, ...others[0] };
}

/** `type: [T, "null"]` as `type: T`, with null out of its `enum`; other type lists as they are. */
function withoutNullType(property: JsonObject): JsonObject {
  const types = property.type as JsonValue[];
  const others = types.filter((type) => type !== 'null');
  if (others.length !== 1 || others.length === types.length) return property;
  const { enum: choices, ...rest } = property;
  return {
    ...rest,
    type: others[0] as JsonValue,
    ...(Array.isArray(choices) && { enum: choices.filter((choice) => choice !== null) }),
  };
}

/**
 * The defaults of a model's fields (an object schema's own properties), as declared: null, text, a number, a list,
 * an object — what pydantic gives a field the client did not send, neither converted nor validated.
 */
function fieldDefaults(schema: JsonObject): Map<string, JsonValue> {
  const defaults = new Map<string, JsonValue>();
  if (!isJsonObject(schema.properties)) return defaults;
  for (const [name, property] of Object.entries(schema.properties))
    if (isJsonObject(property) && property.default !== undefined) defaults.set(name, property.default);
  return defaults;
}

/**
 * The schema without the defaults of `defaults`' fields, to check form text by: ajv would fill them in before the
 * check, and convert them as it converts text (null to "", 5 to "5" for a string). They are filled in after it, as
 * declared; a field with a default is not missing when absent (ajv fills defaults before it checks `required`).
 */
function withoutFieldDefaults(schema: JsonObject, defaults: ReadonlyMap<string, JsonValue>): JsonObject {
  if (defaults.size === 0 || !isJsonObject(schema.properties)) return schema;
  const properties = Object.fromEntries(
    Object.entries(schema.properties).map(([name, property]) => {
      if (!defaults.has(name) || !isJsonObject(property)) return [name, property];
      const { default: _filledAfter, ...rest } = property;
      return [name, rest];
    }),
  );
  const kept: JsonObject = { ...schema, properties };
  if (Array.isArray(schema.required))
    kept.required = schema.required.filter((name) => !(typeof name === 'string' && defaults.has(name)));
  return kept;
}

/**
 * The errors about what the client sent, or undefined when there are none: not those inside a default filled in
 * for what it did not send. Pydantic never validates a default: FastAPI's `note: str = None`, in a schema
 * `{"type": "string", "default": null}`, is null when not sent, not a `string_type` problem the client cannot fix.
 */
function errorsAboutSent(errors: ErrorObject[], sent: unknown): ErrorObject[] | undefined {
  const kept = errors.filter((error) => {
    let at = sent;
    for (const key of pointerKeys(error.instancePath)) {
      if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return false;
      at = (at as Record<string, unknown>)[key];
    }
    return true;
  });
  return kept.length > 0 ? kept : undefined;
}

function checkBody(
  check: SchemaCheck,
  body: RequestBody,
  bodyValue: unknown,
  required: boolean,
  found: ValidationIssue[],
): unknown {
  const problem = bodyIssue(body, { required, jsonOnly: false });
  if (problem) found.push(problem);
  if (problem || body.kind === 'none') return undefined;
  // Defaults are filled (and lax text converted) into a copy: the request's own body stays as it came. Only JSON:
  // a text body is the text it is.
  const copy = structuredClone(bodyValue);
  // A default is neither checked nor converted (`"12"` stays text for an integer): only what the client sent.
  const checkSent: SchemaCheck = (filled) => {
    const errors = check(filled);
    return errors && errorsAboutSent(errors, bodyValue);
  };
  const { value, errors } =
    body.kind === 'json' ? checkLaxJson(checkSent, copy) : { value: copy, errors: checkSent(copy) };
  // Problems echo the body as it came, as FastAPI does, not the copy defaults were filled into.
  if (errors) found.push(...toPydanticIssues(errors, bodyValue, 'body'));
  return value;
}
