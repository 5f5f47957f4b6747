import type { JsonObject, JsonValue } from '../../shared/json-value';
import { exceedsJsonDepth } from '../support/json-depth';
import { compileUserRegex, UserRegexError } from '../support/user-regex';
import { discriminatorTags, inheritedDiscriminator } from './discriminator';
import { exceedsOutputBytes, MAX_OUTPUT_BYTES } from './import-limits';
import { OpenApiImportError } from './openapi-import-error';

/**
 * OpenAPI Schema Objects (3.0 or 3.1, already dereferenced: recursive schemas are object cycles) as plain JSON
 * Schema that ajv compiles under draft 2020-12 (and draft-07 for all but `prefixItems`):
 * - 3.0 dialect: `nullable` → a `null` type (or `anyOf` with `{"type":"null"}`), boolean `exclusiveMinimum` /
 *   `exclusiveMaximum` → numbers, `example` → `examples`, tuple `items` arrays → `prefixItems`.
 * - A `discriminator` beside `oneOf`/`anyOf` (or inherited by all its options through `allOf`) gives each option its
 *   values of the property (`allOf` with a `const` or `enum` there), so the value picks the option as OpenAPI says:
 *   options alike but for it would all match otherwise.
 * - OpenAPI-only keywords (`discriminator` once applied, `xml`, `externalDocs`, `deprecated`, `x-…`) and identifiers that could
 *   clash in a shared ajv instance (`$id`, `$schema`, `$anchor`…) are dropped (a `$ref` to one was resolved with the
 *   rest, see anchor-refs.ts); unknown `format`s are kept.
 * - The document's named schemas (components, and the others an anchor names) become `$defs` of the converted
 *   schema and are referenced with `$ref`, so recursive models stay recursive and shared models are written once.
 *   Parameter schemas are inlined instead (the engine converts parameter text by the declared types); a recursion
 *   there is cut with a warning.
 * - In request schemas a read-only property is not required (a client does not send it).
 */

/** How a schema is used: parameters are inlined, request bodies drop read-only properties from `required`. */
export type SchemaUse = 'parameter' | 'request' | 'response';

/** What every conversion of one import shares. */
export interface SchemaContext {
  /** The document's named schemas (`components.schemas`, anchored ones; dereferenced), by object, as `$defs` names. */
  components: ReadonlyMap<object, string>;
  /** `components.schemas` by their names in the document: a discriminator's values name them. */
  schemasByName: ReadonlyMap<string, object>;
  /** Schema nodes the whole import may still write: a hostile document must not expand without end. */
  budget: { remaining: number };
  /** Deepest nesting a converted schema may reach. */
  maxDepth: number;
  warn(message: string): void;
  /** What a value breaks in a converted schema (its first problem), undefined when it satisfies it; see the import's option. */
  checkSample?: (schema: JsonObject, value: JsonValue, cutShort: boolean) => string | undefined;
}

/** Subschema keywords that hold one schema. */
const SINGLE_SCHEMA = new Set([
  'items',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
]);
/** Subschema keywords that hold a list of schemas. */
const SCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
/** Subschema keywords that hold schemas by name. */
const SCHEMA_MAP = new Set(['properties', 'patternProperties', 'dependentSchemas']);
/** Keywords whose values are copied as they are. */
const PLAIN_VALUES = new Set([
  'type',
  'enum',
  'const',
  'format',
  'pattern',
  'multipleOf',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minContains',
  'maxContains',
  'minProperties',
  'maxProperties',
  'required',
  'dependentRequired',
  'default',
  'examples',
  'title',
  'description',
  'readOnly',
  'writeOnly',
  'contentMediaType',
  'contentEncoding',
  '$comment',
]);
const JSON_TYPES = new Set(['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']);

/** Converts one schema; the result is always an object schema (`true` → `{}`, `false` → `{"not":{}}`). */
export function toJsonSchema(schema: unknown, use: SchemaUse, context: SchemaContext, where: string): JsonObject {
  return new SchemaConversion(use, context, where).run(schema);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

class SchemaConversion {
  private readonly defs = new Map<string, JsonValue>();
  /** Named schemas met but not yet converted: converted one after another, not nested, so the stack stays flat. */
  private readonly pending: [string, Record<string, unknown>][] = [];
  /** Schemas being converted, to cut a recursion that does not go through a named schema. */
  private readonly ancestors = new Set<object>();

  constructor(
    private readonly use: SchemaUse,
    private readonly context: SchemaContext,
    private readonly where: string,
  ) {}

  run(schema: unknown): JsonObject {
    const converted = this.node(schema, 0, this.where, true);
    const root: JsonObject = converted === true ? {} : converted === false ? { not: {} } : converted;
    for (let next = this.pending.pop(); next; next = this.pending.pop()) {
      const [name, named] = next;
      this.defs.set(name, this.object(named, 2, `schema ${name}`));
    }
    if (this.defs.size > 0) root.$defs = Object.fromEntries([...this.defs].sort(([a], [b]) => a.localeCompare(b)));
    return root;
  }

  private node(schema: unknown, depth: number, where: string, isRoot = false): JsonObject | boolean {
    if (typeof schema === 'boolean') return schema;
    if (!isPlainObject(schema)) {
      this.context.warn(`${where}: a schema is ${JSON.stringify(schema)?.slice(0, 40)}, not an object; accepted as {}`);
      return {};
    }
    this.spend(depth, where);
    const name = this.use === 'parameter' || isRoot ? undefined : this.context.components.get(schema);
    if (name !== undefined) {
      if (!this.defs.has(name)) {
        this.defs.set(name, {});
        this.pending.push([name, schema]);
      }
      return { $ref: `#/$defs/${name}` };
    }
    if (this.ancestors.has(schema)) {
      this.context.warn(`${where}: a schema contains itself; the recursion is cut there (accepts anything)`);
      return {};
    }
    // Every `$ref` swagger-parser can follow is replaced by now: what is left names an anchor inside another file,
    // or is a schema that is only a `$ref` to itself (`{"$ref": "#/components/schemas/A"}` as A).
    if (typeof schema.$ref === 'string')
      this.context.warn(
        `${where}: a $ref to ${JSON.stringify(schema.$ref)} is not followed (it leads back to itself, or to an anchor in a file beside the document: anchors are looked up in the document itself only, refer to that schema by its JSON pointer); accepts anything there`,
      );
    this.ancestors.add(schema);
    try {
      return this.object(schema, depth, where);
    } finally {
      this.ancestors.delete(schema);
    }
  }

  private spend(depth: number, where: string): void {
    if (depth > this.context.maxDepth) {
      throw new OpenApiImportError(`the schema nests deeper than ${this.context.maxDepth} levels`, where);
    }
    this.context.budget.remaining -= 1;
    if (this.context.budget.remaining < 0) {
      throw new OpenApiImportError('the document’s schemas expand to more than the import can hold', where);
    }
  }

  private object(schema: Record<string, unknown>, depth: number, where: string): JsonObject {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(schema)) {
      if (SINGLE_SCHEMA.has(key)) {
        if (key === 'items' && Array.isArray(value)) out.prefixItems = this.list(value, depth, where);
        else out[key] = this.node(value, depth + 1, where);
      } else if (SCHEMA_LIST.has(key)) {
        if (Array.isArray(value)) out[key] = this.list(value, depth, where);
      } else if (SCHEMA_MAP.has(key)) {
        if (isPlainObject(value)) out[key] = this.map(value, depth, where, key === 'patternProperties');
      } else if (PLAIN_VALUES.has(key) && value !== undefined) {
        if (exceedsOutputBytes(value)) {
          this.context.warn(
            `${where}: the value of ${key} would be more than ${MAX_OUTPUT_BYTES} bytes written out (each $ref in it repeats what it points to); dropped`,
          );
        } else if (exceedsJsonDepth(value, Math.max(0, this.context.maxDepth - depth - 1))) {
          this.context.warn(`${where}: the value of ${key} nests too deeply; dropped`);
        } else {
          out[key] = value as JsonValue;
        }
      }
    }
    if (Array.isArray(schema.items) && schema.additionalItems !== undefined) {
      out.items = this.node(schema.additionalItems, depth + 1, where);
    }
    this.applyDiscriminator(schema, out, where);
    this.convertOpenApi30(schema, out, depth);
    this.checkType(out, where);
    this.checkPattern(out, where);
    if (this.use === 'request') this.dropReadOnlyFromRequired(out, schema);
    return schema.nullable === true ? nullable(out) : out;
  }

  private list(schemas: unknown[], depth: number, where: string): (JsonObject | boolean)[] {
    return schemas.map((item) => this.node(item, depth + 2, where));
  }

  private map(schemas: Record<string, unknown>, depth: number, where: string, keysArePatterns: boolean): JsonObject {
    const entries = Object.entries(schemas).filter(([key]) => !keysArePatterns || this.validPattern(key, where));
    return Object.fromEntries(entries.map(([key, value]) => [key, this.node(value, depth + 2, where)]));
  }

  /**
   * Each option of the `oneOf` (else `anyOf`) requires the values of the discriminator's property that pick it: the
   * discriminator beside it, else the one all its options inherit. One that cannot be honoured is dropped, with a
   * warning: the options then validate as they are.
   */
  private applyDiscriminator(schema: Record<string, unknown>, out: JsonObject, where: string): void {
    const choice = Array.isArray(schema.oneOf) ? 'oneOf' : Array.isArray(schema.anyOf) ? 'anyOf' : undefined;
    if (!choice) {
      if (schema.discriminator !== undefined)
        this.context.warn(
          `${where}: the discriminator has no oneOf or anyOf beside it to pick from; dropped (where this schema is used alone, a body is checked against it, not against the schemas that extend it)`,
        );
      return;
    }
    const options = schema[choice] as unknown[];
    const discriminator = schema.discriminator ?? inheritedDiscriminator(options);
    if (discriminator === undefined) return;
    const tags = discriminatorTags(discriminator, options, this.context.schemasByName);
    if (typeof tags === 'string') {
      this.context.warn(`${where}: the discriminator is dropped (${tags}); the ${choice} validates without it`);
      return;
    }
    out[choice] = (out[choice] as (JsonObject | boolean)[]).map((option, index) => {
      const values = tags.values[index] ?? [];
      const tag: JsonObject = values.length === 1 ? { const: values[0] as string } : { enum: values };
      return { allOf: [option, { properties: { [tags.property]: tag }, required: [tags.property] }] };
    });
  }

  /** 3.0's boolean exclusive bounds and single `example`; harmless on 3.1 documents, which do not use them. */
  private convertOpenApi30(schema: Record<string, unknown>, out: JsonObject, depth: number): void {
    for (const [exclusive, bound] of [
      ['exclusiveMinimum', 'minimum'],
      ['exclusiveMaximum', 'maximum'],
    ] as const) {
      if (typeof schema[exclusive] !== 'boolean') continue;
      delete out[exclusive];
      if (schema[exclusive] === true && typeof schema[bound] === 'number') {
        out[exclusive] = schema[bound] as number;
        delete out[bound];
      }
    }
    if (out.examples !== undefined && !Array.isArray(out.examples)) delete out.examples;
    if (
      schema.example !== undefined &&
      out.examples === undefined &&
      !exceedsOutputBytes(schema.example) &&
      !exceedsJsonDepth(schema.example, Math.max(0, this.context.maxDepth - depth - 2))
    ) {
      out.examples = [schema.example as JsonValue];
    }
  }

  private checkType(out: JsonObject, where: string): void {
    if (out.type === undefined) return;
    const types = Array.isArray(out.type) ? out.type : [out.type];
    const known = types.filter((type): type is string => typeof type === 'string' && JSON_TYPES.has(type));
    if (known.length === types.length) return;
    this.context.warn(`${where}: unknown type ${JSON.stringify(out.type)}; only ${[...JSON_TYPES].join(', ')} kept`);
    if (known.length === 0) delete out.type;
    else out.type = Array.isArray(out.type) ? known : (known[0] as string);
  }

  private checkPattern(out: JsonObject, where: string): void {
    if (out.pattern !== undefined && (typeof out.pattern !== 'string' || !this.validPattern(out.pattern, where))) {
      delete out.pattern;
    }
  }

  /**
   * Patterns the engine cannot run would stop the whole schema compiling: they are checked as the engine's ajv runs
   * them, on RE2 (not as JavaScript, whose unicode mode refuses a literal `{`; RE2 reads Python's `(?P<name>…)`).
   */
  private validPattern(pattern: string, where: string): boolean {
    try {
      compileUserRegex(pattern);
      return true;
    } catch (error) {
      if (!(error instanceof UserRegexError)) throw error;
      this.context.warn(`${where}: pattern ${JSON.stringify(pattern)} is dropped: ${error.message}`);
      return false;
    }
  }

  /**
   * A client does not send what the server writes: a `readOnly` property is not required in a request. It may be
   * declared in an `allOf` member beside the one that requires it (`allOf: [Base, {required: [id, name]}]` with `id`
   * read-only in Base), so the names come from the schema's own properties and every member's.
   */
  private dropReadOnlyFromRequired(out: JsonObject, schema: Record<string, unknown>): void {
    const members = Array.isArray(schema.allOf) ? schema.allOf.filter(isPlainObject) : [];
    const readOnly = new Set<string>();
    for (const source of [schema, ...members]) {
      if (!isPlainObject(source.properties)) continue;
      for (const [name, property] of Object.entries(source.properties))
        if (isPlainObject(property) && property.readOnly === true) readOnly.add(name);
    }
    if (readOnly.size === 0) return;
    const inlineMembers = Array.isArray(out.allOf) ? (out.allOf.filter(isPlainObject) as JsonObject[]) : [];
    for (const target of [out, ...inlineMembers]) {
      if (Array.isArray(target.required))
        target.required = target.required.filter((name) => !(typeof name === 'string' && readOnly.has(name)));
    }
  }
}

/** 3.0's `nullable: true`: null joins the type (and the enum), or the whole schema becomes one of two choices. */
function nullable(out: JsonObject): JsonObject {
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (typeof out.type === 'string') {
    if (out.type !== 'null') out.type = [out.type, 'null'];
    return out;
  }
  if (Array.isArray(out.type)) {
    if (!out.type.includes('null')) out.type = [...out.type, 'null'];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}
