import type { CodeKeywordDefinition, _ as CodeTag, KeywordCxt, str as StrTag } from 'ajv/dist/2020.js';
import { canonicalJson } from './canonical-json';

/** The pair of equal items reported, as ajv names them: `i` and `j`. */
type Duplicate = readonly [i: number, j: number];

/** ajv's code-generation tags, from the ajv the keyword is added to (ajv is loaded on first use). */
export interface AjvCodeTags {
  _: typeof CodeTag;
  str: typeof StrTag;
}

/**
 * `uniqueItems` in linear time, replacing ajv's: for items that may be arrays or objects ajv compares every item
 * with every other (40,000 one-number lists held the event loop 8 s). Each item is keyed by its canonical JSON
 * text and duplicates are found with a Map. The error is ajv's — keyword, params `{i, j}`, message — and names the
 * same pair ajv would, so 422s read as they did.
 */
export function uniqueItemsKeyword({ _, str }: AjvCodeTags): CodeKeywordDefinition {
  return {
    keyword: 'uniqueItems',
    type: 'array',
    schemaType: 'boolean',
    // ajv's place among the array keywords, so errors are listed in the same order.
    before: 'maxContains',
    error: {
      message: ({ params: { i, j } }) => str`must NOT have duplicate items (items ## ${j} and ${i} are identical)`,
      params: ({ params: { i, j } }) => _`{i: ${i}, j: ${j}}`,
    },
    code(cxt: KeywordCxt) {
      const { gen, data, schema, parentSchema, it } = cxt;
      if (!schema) return;
      const types = scalarItemTypes(parentSchema.items);
      const strictNumbers = it.opts.strictNumbers === true;
      const find = gen.scopeValue('func', {
        ref: types ? (items: unknown[]) => lastScalarDuplicate(items, types, strictNumbers) : lastDuplicate,
      });
      const found = gen.const('duplicate', _`${find}(${data})`);
      cxt.setParams({ i: _`${found}[0]`, j: _`${found}[1]` });
      cxt.fail(_`${found} !== undefined`);
    },
  };
}

const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/**
 * The types `items` declares when all are scalar: ajv then checks only items of those types, and names the pair
 * the other way round (see `lastScalarDuplicate`).
 */
function scalarItemTypes(items: unknown): string[] | undefined {
  if (items === null || typeof items !== 'object') return undefined;
  const { type, nullable } = items as { type?: unknown; nullable?: unknown };
  const types = typeof type === 'string' ? [type] : Array.isArray(type) ? [...type] : [];
  if (types.length > 0 && nullable === true && !types.includes('null')) types.push('null');
  return types.length > 0 && types.every((t) => SCALAR_TYPES.has(t)) ? types : undefined;
}

/** As ajv reports it: `i` is the last item equal to an earlier one, `j` the nearest earlier one equal to it. */
function lastDuplicate(items: unknown[]): Duplicate | undefined {
  const lastAt = new Map<string, number>();
  let found: Duplicate | undefined;
  for (let index = 0; index < items.length; index++) {
    const key = canonicalJson(items[index]);
    const earlier = lastAt.get(key);
    if (earlier !== undefined) found = [index, earlier];
    lastAt.set(key, index);
  }
  return found;
}

/**
 * As ajv reports it for items of scalar types, read from the end: `i` is the last item equal to a later one, `j`
 * that later one. Items not of those types are skipped (their `type` error is reported instead).
 */
function lastScalarDuplicate(items: unknown[], types: string[], strictNumbers: boolean): Duplicate | undefined {
  const firstAt = new Map<string, number>();
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index];
    if (!types.some((type) => hasType(item, type, strictNumbers))) continue;
    const key = canonicalJson(item);
    const later = firstAt.get(key);
    if (later !== undefined) return [index, later];
    firstAt.set(key, index);
  }
  return undefined;
}

/** ajv's type check (`checkDataType`) for a scalar type. */
function hasType(value: unknown, type: string, strictNumbers: boolean): boolean {
  if (type === 'null') return value === null;
  if (type !== 'number' && type !== 'integer') return typeof value === type;
  if (typeof value !== 'number' || (strictNumbers && !Number.isFinite(value))) return false;
  return type === 'number' || (!(value % 1) && !Number.isNaN(value));
}
