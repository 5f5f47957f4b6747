import type { CodeKeywordDefinition, KeywordCxt } from 'ajv/dist/2020.js';
import { canonicalJson } from './canonical-json';
import type { AjvCodeTags } from './unique-items-keyword';

/**
 * `enum` in time linear in the value, replacing ajv's, which compares a value with each allowed one in turn: an
 * enum of 3,000 values on each item of a 1 MB list held the event loop 5 s (11 s for objects). The allowed values
 * are keyed by their canonical JSON text once, when the schema compiles, and a value is looked up by its own. The
 * error is ajv's — keyword, params `{allowedValues}`, message — so 422s read as they did.
 */
export function enumKeyword({ _ }: AjvCodeTags): CodeKeywordDefinition {
  return {
    keyword: 'enum',
    schemaType: 'array',
    error: {
      message: 'must be equal to one of the allowed values',
      params: ({ schemaCode }) => _`{allowedValues: ${schemaCode}}`,
    },
    code(cxt: KeywordCxt) {
      const { gen, data, schema } = cxt;
      if (schema.length === 0) throw new Error('enum must have non-empty array');
      const allowed = gen.scopeValue('func', { ref: allowedValue(schema as unknown[]) });
      cxt.fail(_`!${allowed}(${data})`);
    },
  };
}

/** Whether a value is one of `values`, as JSON Schema compares them (numbers by value, objects whatever their key order). */
function allowedValue(values: readonly unknown[]): (value: unknown) => boolean {
  const keys = new Set(values.map(canonicalJson));
  // A list or an object is never one of values that are all scalars: no need to write it out.
  const scalarsOnly = values.every((value) => value === null || typeof value !== 'object');
  return (value) =>
    scalarsOnly && value !== null && typeof value === 'object' ? false : keys.has(canonicalJson(value));
}
