import { z } from 'zod';

/** Any JSON value (what a body, an event or a record may hold). */
export const JsonValueSchema = z.json();
export type JsonValue = z.infer<typeof JsonValueSchema>;
export type JsonObject = { [key: string]: JsonValue };
/** A JSON object (not an array, not a scalar). */
export const JsonObjectSchema = z.record(z.string(), JsonValueSchema) as z.ZodType<JsonObject>;

/** Whether a value is a JSON object: not null, not an array, not a scalar. */
export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
