import { sample } from 'openapi-sampler';
import { isJsonObject, type JsonObject, type JsonValue, JsonValueSchema } from '../../shared/json-value';

/** Largest body openapi-sampler is asked for, in schema nodes it would visit (an estimate, see below). */
const MAX_SAMPLE_COST = 50_000;

/** How deep openapi-sampler goes into a body (its `maxSampleDepth`): it cuts anything deeper short. */
const MAX_SAMPLE_DEPTH = 15;

/** A body generated from a schema. */
export interface SampledBody {
  body: JsonValue;
  /**
   * Whether a recursion (or the depth limit) was cut where the schema lets no body stop (a required property that
   * is the model itself): the body breaks the schema there, so it must be checked whatever the schema's keywords.
   */
  cutShort: boolean;
}

/**
 * A body generated from a converted schema by openapi-sampler (its `$defs` are resolved against the schema itself).
 * Write-only properties are left out, as a server would. A recursion stops where the schema lets a body stop
 * (`stopRecursions`). Undefined, with a warning, when the sampler cannot produce one or the body would be too large
 * to generate.
 */
export function sampleBody(
  schema: JsonObject,
  where: string,
  warn: (message: string) => void,
): SampledBody | undefined {
  const stopped = sampleCost(schema) > MAX_SAMPLE_COST ? undefined : stopRecursions(schema);
  if (!stopped) {
    warn(`${where}: the schema describes a body too large to generate; write the body by hand`);
    return undefined;
  }
  const cutShort = stopped === CANNOT_STOP;
  try {
    const options = { skipWriteOnly: true, quiet: true, maxSampleDepth: MAX_SAMPLE_DEPTH };
    const value = withSamplerMessages(
      () => sample((cutShort ? schema : stopped) as never, options, schema),
      (message) => warn(`${where}: generating the body: ${message}`),
    );
    const checked = JsonValueSchema.safeParse(value ?? null);
    if (checked.success) return { body: checked.data, cutShort };
  } catch {
    // reported below
  }
  warn(`${where}: no body could be generated from the schema; write the body by hand`);
  return undefined;
}

/**
 * Runs `work` (synchronous) with what it writes to `console.warn` handed to `report` instead: openapi-sampler writes
 * some of its messages there whatever `quiet` says (`Using maxLength = 10 is incorrect with format "date-time"`),
 * which would reach the console without the operation they are about.
 */
function withSamplerMessages<T>(work: () => T, report: (message: string) => void): T {
  const consoleWarn = console.warn;
  console.warn = (...parts: unknown[]) => report(parts.map(String).join(' '));
  try {
    return work();
  } finally {
    console.warn = consoleWarn;
  }
}

/** The schema a `$ref` of a converted schema names (`#/$defs/Node`), or undefined. */
function definition(root: JsonObject, ref: string): JsonValue | undefined {
  const defs = isJsonObject(root.$defs) ? root.$defs : {};
  const name = ref.replace('#/$defs/', '');
  return Object.hasOwn(defs, name) ? defs[name] : undefined;
}

/** A place where a body cannot stop: the schema requires more of itself there (or more than the sampler's depth). */
const STOP = Symbol('stop');
/** A schema that gives a recursion no place to stop: it requires itself without end. */
const CANNOT_STOP = Symbol('cannot stop');
/** A schema openapi-sampler samples as null. */
const NULL_SAMPLE: JsonObject = { const: null };

/**
 * The schema as openapi-sampler walks it, every `$ref` it follows written out, with each recursion stopped where
 * the schema lets a body stop. openapi-sampler cuts a model met again inside itself (and anything deeper than its
 * depth limit) with `{}`, `[]` or nothing, whatever the schema requires there: a tree whose nodes require a name
 * got `{"name": "string", "children": [{}]}`. Here an optional property is left out, an array that may be empty
 * stays empty, and of `oneOf`/`anyOf` the first option that can stop is taken (the `null` of an optional model), so
 * the sampler never meets the recursion. CANNOT_STOP when the schema allows no such place (it requires itself
 * without end); undefined when writing it out would visit more than MAX_SAMPLE_COST nodes.
 */
function stopRecursions(root: JsonObject): JsonObject | typeof CANNOT_STOP | undefined {
  let budget = MAX_SAMPLE_COST;
  const following = new Set<string>();

  const walk = (schema: JsonValue, depth: number): JsonValue | typeof STOP => {
    if (depth > MAX_SAMPLE_DEPTH) return STOP;
    if (!isJsonObject(schema)) return schema;
    budget -= 1;
    if (budget < 0) throw new RangeError('too large');
    if (typeof schema.$ref === 'string') {
      const target = definition(root, schema.$ref);
      if (target === undefined) return schema;
      // A model that may be null (OpenAPI 3.0's `nullable`) stops as null.
      if (following.has(schema.$ref))
        return isJsonObject(target) && [target.type].flat().includes('null') ? NULL_SAMPLE : STOP;
      following.add(schema.$ref);
      try {
        return walk(target, depth);
      } finally {
        following.delete(schema.$ref);
      }
    }
    // openapi-sampler takes these as they are, without going further.
    if (givesExample(schema)) return schema;
    if (Array.isArray(schema.allOf)) {
      const members = schema.allOf.map((member) => walk(member, depth));
      // openapi-sampler samples the rest of the schema as a body of its own, from the top.
      const { allOf: _members, ...rest } = schema;
      const own = walk(rest, 1);
      return own === STOP || members.includes(STOP) ? STOP : { ...(own as JsonObject), allOf: members as JsonValue[] };
    }
    const out: JsonObject = { ...schema };
    const choice = nonEmpty(schema.oneOf) ? 'oneOf' : nonEmpty(schema.anyOf) ? 'anyOf' : undefined;
    if (choice) {
      let chosen: JsonValue | typeof STOP = STOP;
      for (const option of schema[choice] as JsonValue[]) {
        chosen = walk(option, depth);
        if (chosen !== STOP) break;
      }
      if (chosen === STOP) return STOP;
      // openapi-sampler merges the option's sample into the rest's, which would make a null `{}`.
      if (isJsonObject(chosen) && ([chosen.type].flat()[0] === 'null' || chosen.const === null)) return NULL_SAMPLE;
      // It samples the first option.
      out[choice] = [chosen];
    }
    if (schema.if !== undefined && schema.then !== undefined) {
      const [condition, then] = [walk(schema.if, depth), walk(schema.then, depth)];
      if (condition === STOP || then === STOP) return STOP;
      Object.assign(out, { if: condition, then });
    }
    if (isJsonObject(schema.properties)) {
      const required = Array.isArray(schema.required) ? schema.required : [];
      const properties: JsonObject = {};
      for (const [name, property] of Object.entries(schema.properties)) {
        const walked = walk(property, depth + 1);
        if (walked !== STOP) properties[name] = walked;
        else if (required.includes(name)) return STOP;
      }
      out.properties = properties;
    }
    if (isJsonObject(schema.additionalProperties)) {
      const walked = walk(schema.additionalProperties, depth + 1);
      if (walked === STOP) delete out.additionalProperties;
      else out.additionalProperties = walked;
    }
    if (Array.isArray(schema.prefixItems)) {
      const items = schema.prefixItems.map((item) => walk(item, depth + 1));
      if (items.includes(STOP)) return STOP;
      out.prefixItems = items as JsonValue[];
    } else if (schema.maxItems !== 0 && (schema.items ?? schema.contains) !== undefined) {
      // openapi-sampler writes one item (or `minItems`) of `items`, else of `contains`.
      const key = schema.items !== undefined ? 'items' : 'contains';
      const walked = walk(schema[key] as JsonValue, depth + 1);
      const mayBeEmpty = schema.contains === undefined && !(Number(schema.minItems) > 0);
      if (walked !== STOP) out[key] = walked;
      else if (!mayBeEmpty) return STOP;
      else {
        delete out.items;
        out.maxItems = 0;
      }
    }
    return out;
  };

  try {
    const walked = walk(root, 1);
    return walked === STOP ? CANNOT_STOP : (walked as JsonObject);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** Whether openapi-sampler takes the schema's own value rather than generating one (`const`, `examples`…). */
function givesExample(schema: JsonObject): boolean {
  return (
    schema.example !== undefined ||
    schema.const !== undefined ||
    nonEmpty(schema.examples) ||
    nonEmpty(schema.enum) ||
    schema.default !== undefined
  );
}

function nonEmpty(value: JsonValue | undefined): value is JsonValue[] {
  return Array.isArray(value) && value.length > 0;
}

/**
 * How many nodes openapi-sampler would visit, following its rules (one array item unless `minItems` asks for more,
 * every property, two additional properties, the first of `oneOf`/`anyOf`, all of `allOf`, a recursion expanded
 * once), counted once per schema object. openapi-sampler walks without memory, so a document whose schemas refer
 * to each other many times over (or ask for a million items) would keep it busy for ever: this is counted first.
 */
export function sampleCost(root: JsonObject): number {
  const known = new Map<object, number>();
  const visiting = new Set<object>();

  const cost = (schema: JsonValue | undefined): number => {
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return 1;
    const cached = known.get(schema);
    if (cached !== undefined) return cached;
    if (visiting.has(schema)) return 1;
    visiting.add(schema);
    const result = Math.min(ownCost(schema), Number.MAX_SAFE_INTEGER);
    visiting.delete(schema);
    known.set(schema, result);
    return result;
  };

  const sum = (schemas: JsonValue | undefined): number =>
    Array.isArray(schemas) ? schemas.reduce<number>((total, item) => total + cost(item), 0) : 0;

  const ownCost = (schema: JsonObject): number => {
    if (typeof schema.$ref === 'string') return 1 + cost(definition(root, schema.$ref));
    if (['const', 'examples', 'enum', 'default'].some((key) => schema[key] !== undefined)) return 1;
    let total = 1 + sum(schema.allOf);
    for (const choice of ['oneOf', 'anyOf'] as const) {
      const options = schema[choice];
      if (Array.isArray(options) && options.length > 0) total += cost(options[0]);
    }
    if (schema.if !== undefined) total += cost(schema.if) + cost(schema.then);
    if (typeof schema.properties === 'object' && schema.properties !== null && !Array.isArray(schema.properties)) {
      total += Object.values(schema.properties).reduce<number>((all, property) => all + cost(property), 0);
    }
    if (typeof schema.additionalProperties === 'object') total += 2 * cost(schema.additionalProperties);
    if (Array.isArray(schema.prefixItems)) total += sum(schema.prefixItems);
    const items = schema.items ?? schema.contains;
    if (items !== undefined) {
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 1;
      const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : Number.POSITIVE_INFINITY;
      total += Math.max(1, Math.min(minItems, maxItems)) * cost(items);
    }
    if (typeof schema.minLength === 'number') total += schema.minLength / 16;
    return total;
  };

  return cost(root);
}
