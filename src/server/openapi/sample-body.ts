import { sample } from 'openapi-sampler';
import { type JsonObject, type JsonValue, JsonValueSchema } from '../../shared/json-value';

/** Largest body openapi-sampler is asked for, in schema nodes it would visit (an estimate, see below). */
const MAX_SAMPLE_COST = 50_000;

/**
 * A body generated from a converted schema by openapi-sampler (its `$defs` are resolved against the schema itself).
 * Write-only properties are left out, as a server would. Undefined, with a warning, when the sampler cannot
 * produce one or the body would be too large to generate.
 */
export function sampleBody(schema: JsonObject, where: string, warn: (message: string) => void): JsonValue | undefined {
  if (sampleCost(schema) > MAX_SAMPLE_COST) {
    warn(`${where}: the schema describes a body too large to generate; write the body by hand`);
    return undefined;
  }
  try {
    const value = sample(schema as never, { skipWriteOnly: true, quiet: true }, schema);
    const checked = JsonValueSchema.safeParse(value ?? null);
    if (checked.success) return checked.data;
  } catch {
    // reported below
  }
  warn(`${where}: no body could be generated from the schema; write the body by hand`);
  return undefined;
}

/**
 * How many nodes openapi-sampler would visit, following its rules (one array item unless `minItems` asks for more,
 * every property, two additional properties, the first of `oneOf`/`anyOf`, all of `allOf`, a recursion expanded
 * once), counted once per schema object. openapi-sampler walks without memory, so a document whose schemas refer
 * to each other many times over (or ask for a million items) would keep it busy for ever: this is counted first.
 */
export function sampleCost(root: JsonObject): number {
  const defs = (root.$defs ?? {}) as Record<string, JsonValue>;
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
    if (typeof schema.$ref === 'string') return 1 + cost(defs[schema.$ref.replace('#/$defs/', '')]);
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
