import { parse, type Token } from 'path-to-regexp';
import type { JsonRecord } from '../../api/control-client';

/**
 * The route form's values and the route JSON they stand for, both ways. The form reads whatever the JSON holds
 * (a person may have typed anything there) and writes only the fields it shows.
 */

export type { JsonRecord };

/** A JSON object (not an array, not null). */
export const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value as a text field shows it: text as it is, anything else as JSON, nothing as empty. */
export const asText = (value: unknown): string =>
  value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);

/** What a person typed where any JSON value may go: JSON when it reads as JSON (`1`, `true`, `"x"`), else text. */
export function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The object without the fields whose value is undefined (so that a field left empty is left out). */
export function compact(record: JsonRecord): JsonRecord {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

// ——— Conditions (`when`) —————————————————————————————————————————————————————————————

export const CONDITION_PARTS = ['params', 'query', 'headers', 'body'] as const;
export type ConditionPart = (typeof CONDITION_PARTS)[number];
export const CONDITION_OPS = ['equals', 'regex', 'contains', 'exists', 'absent'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** One condition as the form edits it: the part of the request, the name (a JSONPath for the body), how, what. */
export interface ConditionRow {
  part: ConditionPart;
  name: string;
  op: ConditionOp;
  /** Unused for `exists` and `absent`. */
  value: string;
}

function rowOf(part: ConditionPart, name: string, condition: unknown): ConditionRow {
  if (!isRecord(condition)) return { part, name, op: 'equals', value: asText(condition) };
  if ('regex' in condition) return { part, name, op: 'regex', value: asText(condition.regex) };
  if ('contains' in condition) return { part, name, op: 'contains', value: asText(condition.contains) };
  if ('exists' in condition) return { part, name, op: condition.exists === false ? 'absent' : 'exists', value: '' };
  // Body values keep their JSON types, so text shows in quotes there; elsewhere everything arrives as text.
  const equals = condition.equals;
  return { part, name, op: 'equals', value: part === 'body' ? JSON.stringify(equals) : asText(equals) };
}

/** The conditions of a response's `when`, in the order parameters, query, headers, body. */
export function conditionRows(when: unknown): ConditionRow[] {
  if (!isRecord(when)) return [];
  const rows: ConditionRow[] = [];
  for (const part of ['params', 'query', 'headers'] as const) {
    const conditions = when[part];
    if (isRecord(conditions))
      for (const [name, condition] of Object.entries(conditions)) rows.push(rowOf(part, name, condition));
  }
  if (Array.isArray(when.body))
    for (const condition of when.body)
      rows.push(rowOf('body', isRecord(condition) ? asText(condition.path) : '', condition));
  return rows;
}

function matcherOf(row: ConditionRow): unknown {
  switch (row.op) {
    case 'regex':
      return { regex: row.value };
    case 'contains':
      return { contains: row.value };
    case 'exists':
      return { exists: true };
    case 'absent':
      return { exists: false };
    case 'equals':
      return row.part === 'body' ? { equals: jsonOrText(row.value) } : row.value;
  }
}

/** A response's `when` from the rows (rows without a name are still being written: left out); undefined for none. */
export function conditionsFrom(rows: readonly ConditionRow[]): JsonRecord | undefined {
  const when: JsonRecord = {};
  for (const row of rows) {
    if (row.part === 'body') {
      const body = (when.body as unknown[] | undefined) ?? [];
      body.push({ path: row.name.trim() || '$', ...(matcherOf(row) as JsonRecord) });
      when.body = body;
    } else if (row.name.trim()) {
      const part = (when[row.part] as JsonRecord | undefined) ?? {};
      part[row.name.trim()] = matcherOf(row);
      when[row.part] = part;
    }
  }
  return Object.keys(when).length > 0 ? when : undefined;
}

// ——— Headers ————————————————————————————————————————————————————————————————————————

export interface HeaderRow {
  name: string;
  value: string;
}

export function headerRows(headers: unknown): HeaderRow[] {
  return isRecord(headers) ? Object.entries(headers).map(([name, value]) => ({ name, value: asText(value) })) : [];
}

/** The headers from the rows; a row without a name is still being written (left out). */
export function headersFrom(rows: readonly HeaderRow[]): JsonRecord {
  return Object.fromEntries(rows.filter((row) => row.name.trim()).map((row) => [row.name.trim(), row.value]));
}

/** Names given to more than one row (only the last would be kept). */
export function repeatedNames(rows: readonly { name: string }[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const { name } of rows) {
    const key = name.trim().toLowerCase();
    if (!key) continue;
    if (seen.has(key)) repeated.add(key);
    seen.add(key);
  }
  return repeated;
}

// ——— Bodies ————————————————————————————————————————————————————————————————————————

export const BODY_KINDS = ['none', 'json', 'text', 'file'] as const;
export type BodyKind = (typeof BODY_KINDS)[number];

export function bodyKind(body: unknown): BodyKind {
  if (!isRecord(body)) return 'none';
  if ('json' in body) return 'json';
  if ('text' in body) return 'text';
  if ('file' in body) return 'file';
  return 'none';
}

/** The body as another kind, keeping what can be kept (JSON becomes its text, text that is JSON becomes JSON). */
export function withBodyKind(body: unknown, kind: BodyKind): JsonRecord | undefined {
  const from = bodyKind(body);
  const current = isRecord(body) ? body : {};
  switch (kind) {
    case 'none':
      return undefined;
    case 'json':
      return { json: from === 'text' ? jsonOrText(asText(current.text)) : from === 'json' ? current.json : {} };
    case 'text':
      return { text: from === 'json' ? JSON.stringify(current.json, null, 2) : asText(current[from] ?? '') };
    case 'file':
      return { file: from === 'file' ? current.file : '' };
  }
}

// ——— Path parameters ———————————————————————————————————————————————————————————————————

/** The names of a path pattern's parameters and wildcards (`/items/:id/*rest` → id, rest); none when it is not valid. */
export function pathParamNames(path: string): string[] {
  const names: string[] = [];
  const visit = (tokens: readonly Token[]) => {
    for (const token of tokens) {
      if (token.type === 'param' || token.type === 'wildcard') names.push(token.name);
      else if (token.type === 'group') visit(token.tokens);
    }
  };
  try {
    visit(parse(path).tokens);
  } catch {
    return [];
  }
  return [...new Set(names)];
}

/** Types a path parameter may be given in the form (FastAPI's `item_id: int`); `text` validates nothing. */
export const PARAM_TYPES = ['text', 'integer', 'number', 'boolean', 'uuid'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

const PARAM_SCHEMAS: Record<Exclude<ParamType, 'text'>, JsonRecord> = {
  integer: { type: 'integer' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  uuid: { type: 'string', format: 'uuid' },
};

/** The type `validate.params` gives a parameter; `custom` when it says more than the form can show. */
export function paramType(route: JsonRecord, name: string): ParamType | 'custom' {
  const validate = isRecord(route.validate) ? route.validate : {};
  const params = isRecord(validate.params) ? validate.params : {};
  const properties = isRecord(params.properties) ? params.properties : {};
  const schema = properties[name];
  if (schema === undefined) return 'text';
  const text = JSON.stringify(schema);
  const found = (Object.keys(PARAM_SCHEMAS) as Exclude<ParamType, 'text'>[]).find(
    (type) => JSON.stringify(PARAM_SCHEMAS[type]) === text,
  );
  return (
    found ?? (isRecord(schema) && schema.type === 'string' && Object.keys(schema).length === 1 ? 'text' : 'custom')
  );
}

/**
 * The route with `validate.params` giving the parameter this type (or none for `text`): a path parameter of the
 * wrong type is then answered 422 like FastAPI, and conditions and templates see it typed.
 */
export function withParamType(route: JsonRecord, name: string, type: ParamType): JsonRecord {
  const validate = isRecord(route.validate) ? { ...route.validate } : {};
  const params: JsonRecord = isRecord(validate.params) ? { ...validate.params } : { type: 'object' };
  const properties = isRecord(params.properties) ? { ...params.properties } : {};
  const required = new Set(Array.isArray(params.required) ? (params.required as unknown[]).map(String) : []);
  if (type === 'text') {
    delete properties[name];
    required.delete(name);
  } else {
    properties[name] = PARAM_SCHEMAS[type];
    required.add(name);
  }
  if (Object.keys(properties).length === 0) delete validate.params;
  else validate.params = { ...params, properties, required: [...required] };
  const { bodyRequired, ...rest } = validate;
  const next = { ...route };
  // `bodyRequired` alone (the engine's default, `true`) validates nothing: the route then has no `validate`.
  if (Object.keys(rest).length === 0 && bodyRequired !== false) delete next.validate;
  else next.validate = validate;
  return next;
}
