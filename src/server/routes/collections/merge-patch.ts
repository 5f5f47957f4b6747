import type { JsonObject, JsonValue } from '../../../shared/json-value';

/**
 * JSON Merge Patch (RFC 7386): objects merge field by field, `null` removes a field, anything else replaces.
 * Returns a new value; neither input is changed. Recursion follows the patch, whose depth the body limit bounds.
 */
export function mergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base: JsonObject = target !== null && typeof target === 'object' && !Array.isArray(target) ? target : {};
  const result: JsonObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(base[key] ?? null, value);
  }
  return result;
}
