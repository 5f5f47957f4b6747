import type { ErrorObject } from 'ajv';
import { laxBoolean } from '../http/query-params';
import { pointerKeys } from '../support/json-pointer';
import type { SchemaCheck } from './json-schemas';

/**
 * Checks a JSON value as pydantic's lax mode, FastAPI's default, reads JSON: a string where the schema wants an
 * integer, a number or a boolean is taken when it reads as one (`"12"` → 12, `"yes"` → true), as a query value is;
 * nothing else is converted (a number is no string, null is no 0). `value` is the caller's own copy: converted in
 * place and checked again. Returns it (a new root when the value itself was such a string) and what is still wrong.
 */
export function checkLaxJson(
  check: SchemaCheck,
  value: unknown,
): { value: unknown; errors: ErrorObject[] | undefined } {
  const errors = check(value);
  if (!errors) return { value, errors };
  let converted = value;
  let changed = false;
  const done = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== 'type' || typeof error.data !== 'string' || done.has(error.instancePath)) continue;
    const read = fromText(error.data, String((error.params as { type?: unknown }).type).split(','));
    if (read === undefined) continue;
    done.add(error.instancePath);
    const next = withValueAt(converted, error.instancePath, read);
    if (next === undefined) continue;
    converted = next.root;
    changed = true;
  }
  return changed ? { value: converted, errors: check(converted) } : { value, errors };
}

/** Text that is an integer, as pydantic reads one (spaces around it allowed). */
export const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const NUMBER_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** The first of `types` the text reads as, as pydantic's lax mode reads it; undefined when none. */
function fromText(text: string, types: string[]): number | boolean | undefined {
  for (const type of types) {
    // An integer a number cannot hold exactly stays text, for the schema to refuse rather than round.
    if (type === 'integer' && INTEGER_TEXT.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
    if (type === 'number' && NUMBER_TEXT.test(text) && Number.isFinite(Number(text))) return Number(text);
    if (type === 'boolean') {
      const word = laxBoolean(text);
      if (word !== undefined) return word;
    }
  }
  return undefined;
}

/**
 * `root` with `read` at the JSON pointer `path` (set in place; a new root for `""`). Only own properties are walked
 * and set as own data properties: a key named `__proto__` is a key, never the prototype. Undefined when the path does
 * not lead through the value.
 */
function withValueAt(root: unknown, path: string, read: unknown): { root: unknown } | undefined {
  if (path === '') return { root: read };
  const keys = pointerKeys(path);
  let parent = root;
  for (const key of keys.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object' || !Object.hasOwn(parent, key)) return undefined;
    parent = (parent as Record<string, unknown>)[key];
  }
  const last = keys.at(-1) as string;
  if (parent === null || typeof parent !== 'object' || !Object.hasOwn(parent, last)) return undefined;
  Object.defineProperty(parent, last, { value: read, writable: true, enumerable: true, configurable: true });
  return { root };
}
