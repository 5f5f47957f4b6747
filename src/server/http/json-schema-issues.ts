import type { ErrorObject } from 'ajv';
import { counted } from '../../shared/counted-words';
import { pointerKey, pointerKeys } from '../support/json-pointer';
import { listedIssues, MAX_LISTED_ISSUES, type ValidationIssue } from './http-errors';
import type { RequestPart } from './validation';

/**
 * JSON Schema (ajv) errors in FastAPI/pydantic's words, the way `validation.ts` words zod's: the same `type`,
 * `loc`, `msg`, `input` (and `ctx` where pydantic gives one), so a client written against a FastAPI backend reads
 * familiar 422s from a route or a collection declared as data.
 */
export function toPydanticIssues(errors: readonly ErrorObject[], root: unknown, part: RequestPart): ValidationIssue[] {
  // A union reports its own error after its branches': keep the one, drop the branches (and the noise of `if`).
  // One prefix per union of the schema, however many items of a list broke it.
  const unions = [
    ...new Set(
      errors
        .filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf')
        .map((error) => `${error.schemaPath}/`),
    ),
  ];
  const kept = errors.filter(
    (error) => error.keyword !== 'if' && !unions.some((prefix) => error.schemaPath.startsWith(prefix)),
  );
  // Only what a 422 lists is worded: a hostile body may break a schema half a million times.
  return listedIssues(inFieldOrder(kept), (error) => toIssue(error, root, part), part);
}

/** Keywords ajv checks at an object before its properties, whose errors each name a field (missing or extra). */
const FIELD_KEYWORDS: ReadonlySet<string> = new Set([
  'required',
  'dependentRequired',
  'dependencies',
  'additionalProperties',
]);

/**
 * `errors` in the order pydantic lists a model's: by the fields as the schema declares them, each field's own
 * problems where it is, extra keys last (in the order sent). ajv goes down the value in that order already, but at
 * each object reports its missing and extra keys first: those wait, each until ajv reaches a field declared after
 * it, or leaves the object. Nothing is done when no error names a field (a request that fails another way), and
 * only the first `listed` are put in order: the rest of a hostile body's half a million follow as they come, only
 * counted.
 */
function inFieldOrder(errors: ErrorObject[], listed = MAX_LISTED_ISSUES): ErrorObject[] {
  if (!errors.some((error) => FIELD_KEYWORDS.has(error.keyword))) return errors;
  const ordered: ErrorObject[] = [];
  // The objects with a missing or extra key that ajv is within, outermost first.
  const open: FieldErrors[] = [];
  const unlisted: ErrorObject[] = [];
  let next = 0;
  for (; next < errors.length && ordered.length < listed; next++) {
    const error = errors[next] as ErrorObject;
    const path = error.instancePath;
    while (open.length > 0 && !isWithin(path, (open.at(-1) as FieldErrors).path)) {
      (open.pop() as FieldErrors).flush(ordered);
    }
    // What waits in an object it is deeper in, for a field declared before the one it is under, goes first.
    for (const object of open) {
      if (object.waits && object.path.length < path.length) {
        object.flush(ordered, object.rank(childKey(path, object.path)));
      }
    }
    const field = fieldNamed(error);
    if (field === undefined) {
      ordered.push(error);
      continue;
    }
    let object = open.at(-1);
    if (object?.path !== path) {
      object = new FieldErrors(path);
      open.push(object);
    }
    // Past `listed` waiting in one object, the rest would never be listed: only counted.
    const past = object.add(error, field, listed);
    if (past) unlisted.push(past);
  }
  for (let object = open.pop(); object; object = open.pop()) object.flush(ordered);
  return ordered.concat(unlisted, errors.slice(next));
}

/** The missing and extra keys of one object, waiting for their place among its fields' problems. */
class FieldErrors {
  private fields: ReadonlyMap<string, number> = NO_FIELDS;
  private schema: object | undefined;
  /** Errors waiting, by rank (`ranks`, alongside), from `next` on. */
  private readonly waiting: ErrorObject[] = [];
  private readonly ranks: number[] = [];
  private next = 0;

  constructor(readonly path: string) {}

  /** Whether some missing or extra key still waits for its place. */
  get waits(): boolean {
    return this.next < this.waiting.length;
  }

  /** Where `key` is among the fields: as declared, keys not declared (extras) after them all. */
  rank(key: string): number {
    return this.fields.get(key) ?? this.fields.size;
  }

  /**
   * `error` waits for its place, among `most` at most: the one past them (it, or the last that waited) is
   * returned, never to be listed.
   */
  add(error: ErrorObject, field: string, most: number): ErrorObject | undefined {
    const schema = error.parentSchema;
    if (schema !== null && typeof schema === 'object' && schema !== this.schema) {
      // Another schema for the same object (`allOf`): its fields after those known.
      const declared = declaredFields(schema);
      this.fields = this.schema === undefined ? declared : new Map([...this.fields, ...declared]);
      this.schema = schema;
    }
    const rank = this.rank(field);
    // After those of the same rank (extras stay in the order sent).
    let at = this.waiting.length;
    while (at > this.next && (this.ranks[at - 1] as number) > rank) at--;
    if (at - this.next >= most) return error;
    if (at === this.waiting.length) {
      this.waiting.push(error);
      this.ranks.push(rank);
      return undefined;
    }
    this.waiting.splice(at, 0, error);
    this.ranks.splice(at, 0, rank);
    if (this.waiting.length - this.next <= most) return undefined;
    this.ranks.pop();
    return this.waiting.pop();
  }

  /** Into `ordered`, what waits for a place before a field of rank `before` (all, by default). */
  flush(ordered: ErrorObject[], before = Number.POSITIVE_INFINITY): void {
    for (; this.next < this.waiting.length && (this.ranks[this.next] as number) < before; this.next++) {
      ordered.push(this.waiting[this.next] as ErrorObject);
    }
  }
}

const NO_FIELDS: ReadonlyMap<string, number> = new Map();

/** An object schema's fields in order, as a model declares them: its properties, then other required keys. */
const declaredCache = new WeakMap<object, ReadonlyMap<string, number>>();
function declaredFields(schema: object): ReadonlyMap<string, number> {
  let fields = declaredCache.get(schema);
  if (!fields) {
    const { properties, required } = schema as { properties?: unknown; required?: unknown };
    const names = [
      ...(properties !== null && typeof properties === 'object' ? Object.keys(properties) : []),
      ...(Array.isArray(required) ? required : []),
    ];
    const ranks = new Map<string, number>();
    for (const name of names) if (typeof name === 'string' && !ranks.has(name)) ranks.set(name, ranks.size);
    fields = ranks;
    declaredCache.set(schema, fields);
  }
  return fields;
}

/** Whether the JSON pointer `path` is `object`'s or below it. */
function isWithin(path: string, object: string): boolean {
  return path.startsWith(object) && (path.length === object.length || path[object.length] === '/');
}

/** The key under `object` that the longer pointer `path` goes through. */
function childKey(path: string, object: string): string {
  const start = object.length + 1;
  const end = path.indexOf('/', start);
  const segment = end < 0 ? path.slice(start) : path.slice(start, end);
  return segment.includes('~') ? pointerKey(segment) : segment;
}

/** The field a missing or extra key's error is about (its place is that field's); undefined for other errors. */
function fieldNamed(error: ErrorObject): string | undefined {
  if (!FIELD_KEYWORDS.has(error.keyword)) return undefined;
  const params = error.params as { missingProperty?: unknown; additionalProperty?: unknown };
  const name = params.missingProperty ?? params.additionalProperty;
  return name === undefined ? undefined : String(name);
}

/**
 * One ajv error as FastAPI reports it. Inputs are read from `root` — the value as it came — not from what ajv saw,
 * which may have had defaults filled in. (RequestValidationError bounds what each input echoes.)
 */
function toIssue(error: ErrorObject, root: unknown, part: RequestPart): ValidationIssue {
  const { loc: path, value } = locate(root, error.instancePath);
  const params = error.params as Record<string, unknown>;
  const issue = (type: string, msg: string, at = path, input: unknown = value, ctx?: Record<string, unknown>) => {
    const result: ValidationIssue = { type, loc: [part, ...at], msg, input: input === undefined ? null : input };
    if (ctx) result.ctx = ctx;
    return result;
  };
  switch (error.keyword) {
    case 'required':
    case 'dependentRequired':
    case 'dependencies':
      // pydantic shows the object the field is missing from; FastAPI shows null for parameters.
      return issue(
        'missing',
        'Field required',
        [...path, String(params.missingProperty)],
        part === 'body' ? value : null,
      );
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const input = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
      return issue('extra_forbidden', 'Extra inputs are not permitted', [...path, key], input);
    }
    case 'type':
      return typeIssue(String(params.type), value, error.parentSchema, issue);
    case 'minimum':
      return issue('greater_than_equal', `Input should be greater than or equal to ${params.limit}`, path, value, {
        ge: params.limit,
      });
    case 'exclusiveMinimum':
      return issue('greater_than', `Input should be greater than ${params.limit}`, path, value, { gt: params.limit });
    case 'maximum':
      return issue('less_than_equal', `Input should be less than or equal to ${params.limit}`, path, value, {
        le: params.limit,
      });
    case 'exclusiveMaximum':
      return issue('less_than', `Input should be less than ${params.limit}`, path, value, { lt: params.limit });
    case 'multipleOf':
      return issue('multiple_of', `Input should be a multiple of ${params.multipleOf}`, path, value, {
        multiple_of: params.multipleOf,
      });
    case 'minLength':
      return issue(
        'string_too_short',
        `String should have at least ${counted(params.limit as number, 'character')}`,
        path,
        value,
        {
          min_length: params.limit,
        },
      );
    case 'maxLength':
      return issue(
        'string_too_long',
        `String should have at most ${counted(params.limit as number, 'character')}`,
        path,
        value,
        {
          max_length: params.limit,
        },
      );
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties': {
      const list = error.keyword.endsWith('Items');
      const at = error.keyword.startsWith('min') ? 'least' : 'most';
      const actual = list ? (value as unknown[]).length : Object.keys(value as object).length;
      const kind = list ? 'List' : 'Dictionary';
      return issue(
        at === 'least' ? 'too_short' : 'too_long',
        `${kind} should have at ${at} ${counted(params.limit as number, 'item')} after validation, not ${actual}`,
        path,
        value,
        { field_type: kind, [at === 'least' ? 'min_length' : 'max_length']: params.limit, actual_length: actual },
      );
    }
    case 'pattern':
      return issue('string_pattern_mismatch', `String should match pattern '${params.pattern}'`, path, value, {
        pattern: params.pattern,
      });
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(show);
      const expected =
        allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}` : String(allowed[0]);
      return issue(allowed.length > 1 ? 'enum' : 'literal_error', `Input should be ${expected}`, path, value, {
        expected,
      });
    }
    case 'const':
      return issue('literal_error', `Input should be ${show(params.allowedValue)}`, path, value, {
        expected: show(params.allowedValue),
      });
    case 'format':
      return formatIssue(String(params.format), value, issue);
    case 'anyOf':
      return issue('value_error', 'Value error, input should match at least one of the allowed schemas (anyOf)');
    case 'oneOf':
      return issue('value_error', 'Value error, input should match exactly one of the allowed schemas (oneOf)');
    default:
      return issue('value_error', `Value error, ${error.message ?? error.keyword}`);
  }
}

type MakeIssue = (
  type: string,
  msg: string,
  at?: (string | number)[],
  input?: unknown,
  ctx?: Record<string, unknown>,
) => ValidationIssue;

function typeIssue(types: string, value: unknown, schema: unknown, issue: MakeIssue): ValidationIssue {
  const expected = types.split(',').find((type) => type !== 'null') ?? 'null';
  const text = typeof value === 'string';
  switch (expected) {
    case 'integer':
      if (text) return issue('int_parsing', 'Input should be a valid integer, unable to parse string as an integer');
      if (typeof value === 'number')
        return issue('int_from_float', 'Input should be a valid integer, got a number with a fractional part');
      return issue('int_type', 'Input should be a valid integer');
    case 'number':
      if (text) return issue('float_parsing', 'Input should be a valid number, unable to parse string as a number');
      return issue('float_type', 'Input should be a valid number');
    case 'boolean':
      if (text || typeof value === 'number')
        return issue('bool_parsing', 'Input should be a valid boolean, unable to interpret input');
      return issue('bool_type', 'Input should be a valid boolean');
    case 'string':
      return issue('string_type', 'Input should be a valid string');
    case 'array':
      return issue('list_type', 'Input should be a valid list');
    case 'object': {
      // A schema with properties is a pydantic model; a bare object is a dict.
      const model = schema !== null && typeof schema === 'object' && 'properties' in schema;
      return model
        ? issue('model_attributes_type', 'Input should be a valid dictionary or object to extract fields from')
        : issue('dict_type', 'Input should be a valid dictionary');
    }
    default:
      return issue('none_required', 'Input should be None');
  }
}

function formatIssue(format: string, value: unknown, issue: MakeIssue): ValidationIssue {
  switch (format) {
    case 'uuid':
      return issue('uuid_parsing', 'Input should be a valid UUID, unable to parse string as a UUID');
    case 'date':
      return issue('date_from_datetime_parsing', 'Input should be a valid date or datetime, invalid date format');
    case 'date-time':
      return issue('datetime_from_date_parsing', 'Input should be a valid datetime or date, invalid datetime format');
    case 'time':
      return issue('time_parsing', 'Input should be in a valid time format');
    case 'email':
      return issue(
        'value_error',
        typeof value === 'string' && value.includes('@')
          ? 'value is not a valid email address: The email address is not valid.'
          : 'value is not a valid email address: An email address must have an @-sign.',
      );
    case 'uri':
    case 'url':
      return issue('url_parsing', 'Input should be a valid URL, relative URL without a base');
    case 'ipv4':
      return issue('ip_v4_address', 'Input is not a valid IPv4 address');
    case 'ipv6':
      return issue('ip_v6_address', 'Input is not a valid IPv6 address');
    default:
      return issue('value_error', `Value error, should match format "${format}"`);
  }
}

/** A JSON pointer as FastAPI's loc (object keys as text, array indexes as numbers), and the value there. */
function locate(root: unknown, pointer: string): { loc: (string | number)[]; value: unknown } {
  const loc: (string | number)[] = [];
  let current = root;
  for (const key of pointerKeys(pointer)) {
    const index = Array.isArray(current) ? Number(key) : Number.NaN;
    loc.push(Number.isInteger(index) ? index : key);
    current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
  }
  return { loc, value: current };
}

/** Values in messages as pydantic prints them: text in single quotes. */
const show = (value: unknown): string => (typeof value === 'string' ? `'${value}'` : JSON.stringify(value));
