import { pointerKey } from '../support/json-pointer';

/**
 * With `allErrors`, a validator tries every branch of `anyOf`, `oneOf` and `allOf` on the same value, so branches that
 * lead to the same schema again, nested, multiply: `S0 = anyOf[S1, S1]`, `S1 = anyOf[S2, S2]`, … is 2^N checks of one
 * value — twenty levels, a 2 KB schema, held the engine for seconds on each invalid value and a few more levels ran
 * it out of memory. Schemas are refused before they are compiled when one value would be checked more often than
 * this. A schema for a value's parts (`properties`, `items`) is not counted with it: those run once per part the
 * value has, which the body limits bound.
 */
export const MAX_CHECKS_PER_VALUE = 10_000;

/** Keywords whose schemas all apply to the same value as the schema holding them. */
const SAME_VALUE_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;
const SAME_VALUE_SCHEMAS = ['not', 'if', 'then', 'else'] as const;
/** Keywords holding values, not schemas: never walked. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'example']);

/** What is wrong with `schema` on this count, or undefined when no value is checked more than the limit allows. */
export function schemaBranchingProblem(schema: object): string | undefined {
  const counted = new Map<object, number>();
  const counting = new Set<object>();
  const checksOf = (node: unknown): number => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return 1;
    const known = counted.get(node);
    if (known !== undefined) return known;
    // A schema reached again through its own branches recurses on the value's parts, as deep as the value goes.
    if (counting.has(node)) return 1;
    counting.add(node);
    const record = node as Record<string, unknown>;
    let total = 1;
    const add = (child: unknown) => {
      total = Math.min(total + checksOf(child), MAX_CHECKS_PER_VALUE + 1);
    };
    for (const keyword of SAME_VALUE_LISTS) {
      const list = record[keyword];
      if (Array.isArray(list)) for (const child of list) add(child);
    }
    for (const keyword of SAME_VALUE_SCHEMAS) if (keyword in record) add(record[keyword]);
    if (typeof record.$ref === 'string') add(localTarget(schema, record.$ref));
    counting.delete(node);
    counted.set(node, total);
    return total;
  };
  // Every schema in the document, each counted once (the counts of shared ones are remembered).
  const stack: unknown[] = [schema];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (!Array.isArray(node) && checksOf(node) > MAX_CHECKS_PER_VALUE) {
      return (
        `one value would be checked more than ${MAX_CHECKS_PER_VALUE} times: anyOf, oneOf or allOf branches that ` +
        'lead to the same schemas again, nested, multiply the work at each level; simplify them (alternatives that ' +
        'are the same schema are one)'
      );
    }
    for (const [key, child] of Object.entries(node)) if (!DATA_KEYWORDS.has(key)) stack.push(child);
  }
  return undefined;
}

/** The schema a local `$ref` (`#/$defs/A`, `#/components/schemas/A`) points at in `root`, or undefined. */
function localTarget(root: object, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = pointerKey(decodeURIComponent(raw));
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
