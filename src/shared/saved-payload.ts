import { z } from 'zod';
import { MACRO_NAMES, MAX_INJECTED_EVENTS, MacroSchemas } from './control-api';
import { JsonObjectSchema, JsonValueSchema } from './json-value';
import { unionIssueWords } from './union-issue-words';

/**
 * Saved payloads: named things a person sends often (a burst of events, a macro with its parameters, a JSON
 * document, a piece of text), kept per workspace so a team shares them with the workspace file.
 */

/** Saved payloads a workspace holds at most. */
export const MAX_SAVED_PAYLOADS = 200;
/** One payload at most, as JSON (UTF-8 bytes). */
export const MAX_SAVED_PAYLOAD_BYTES = 256 * 1024;
/** All of a workspace's payloads together at most, as JSON (UTF-8 bytes). */
export const MAX_SAVED_PAYLOADS_TOTAL_BYTES = 4 * 1024 * 1024;

export const PAYLOAD_KINDS = ['events', 'macro', 'text', 'json'] as const;
export type PayloadKind = (typeof PAYLOAD_KINDS)[number];

export const PayloadIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -')
  .max(100);

const EventSchema = JsonObjectSchema.refine(
  (event) => typeof event.type === 'string',
  'an event is a JSON object with a string `type`',
);

/** A macro and its parameters, as `POST /connections/:id/macros/:name` takes them (without `force`). */
const MacroBodySchema = z
  .strictObject({
    macro: z
      .enum(MACRO_NAMES, {
        // Named by what it is and the value sent, not zod's `Invalid option: expected one of "text-message"|…`.
        error: (issue) =>
          issue.input === undefined
            ? `required (one of ${MACRO_NAMES.join(', ')})`
            : `unknown macro ${shownValue(issue.input)}: expected one of ${MACRO_NAMES.join(', ')}`,
      })
      .describe('The macro to run (as in POST /connections/:id/macros/:name).'),
    params: JsonObjectSchema.describe("The macro's parameters, checked against the macro's own schema."),
  })
  .describe('A macro and its parameters.')
  .superRefine((body, ctx) => {
    if ('force' in body.params) {
      ctx.addIssue({ code: 'custom', path: ['params', 'force'], message: 'a saved macro is never sent with force' });
      return;
    }
    const checked = MacroSchemas[body.macro].safeParse(body.params, { error: unionIssueWords });
    if (checked.success) return;
    // Each as the macro's route finds it (its code, so a 422 has pydantic's type: `missing`, `greater_than_equal`…).
    for (const issue of checked.error.issues) ctx.addIssue({ ...issue, path: ['params', ...issue.path] });
  });

const common = {
  id: PayloadIdSchema.describe('Stable id (lower-case letters, digits and -), unique in the workspace.'),
  name: z.string().trim().min(1).max(200).describe('The name shown in the inject drawer; unique in the workspace.'),
  description: z.string().max(2000).optional().describe('What the payload is for (optional).'),
};

export const SavedPayloadSchema = z
  .discriminatedUnion('kind', [
    /** One or more AG-UI events, sent in order (checked against EventSchemas when sent, not when saved). */
    z.strictObject({
      ...common,
      kind: z.literal('events').describe('One or more AG-UI events, sent in order.'),
      body: z
        .array(EventSchema)
        .min(1, 'a payload of events needs at least one event')
        .max(MAX_INJECTED_EVENTS)
        .describe('The AG-UI events (each a JSON object with a string `type`).'),
    }),
    z.strictObject({
      ...common,
      kind: z.literal('macro').describe('A macro with its parameters.'),
      body: MacroBodySchema,
    }),
    /** Text as typed, JSON or not (an unfinished draft). */
    z.strictObject({
      ...common,
      kind: z.literal('text').describe('Text as typed.'),
      body: z.string().describe('The text, JSON or not (an unfinished draft is kept as typed).'),
    }),
    z.strictObject({
      ...common,
      kind: z.literal('json').describe('A JSON document.'),
      body: JsonValueSchema.describe('The JSON value.'),
    }),
  ])
  .superRefine((payload, ctx) => {
    const bytes = payloadBytes(payload);
    if (bytes > MAX_SAVED_PAYLOAD_BYTES)
      ctx.addIssue({
        code: 'custom',
        path: ['body'],
        message: `the payload is ${bytes} bytes as JSON, and one may take at most ${MAX_SAVED_PAYLOAD_BYTES} (256 KiB): shorten it, or split it into several`,
      });
  });
export type SavedPayload = z.infer<typeof SavedPayloadSchema>;

/**
 * A workspace's payloads, all checked as the store checks them: at most MAX_SAVED_PAYLOADS, ids and names (ignoring
 * case) unique, MAX_SAVED_PAYLOADS_TOTAL_BYTES in all. What a workspace file holds.
 */
export const SavedPayloadsSchema = z
  .array(SavedPayloadSchema)
  .max(MAX_SAVED_PAYLOADS)
  .superRefine((payloads, ctx) => {
    const ids = new Set<string>();
    const names = new Map<string, string>();
    let total = 0;
    payloads.forEach((payload, index) => {
      if (ids.has(payload.id))
        ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `id ${payload.id} is used twice` });
      const owner = names.get(payload.name.trim().toLowerCase());
      if (owner)
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `the name "${payload.name}" is also the name of ${owner}`,
        });
      ids.add(payload.id);
      names.set(payload.name.trim().toLowerCase(), payload.id);
      total += payloadBytes(payload);
    });
    if (total > MAX_SAVED_PAYLOADS_TOTAL_BYTES)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `the payloads take ${total} bytes; a workspace keeps at most ${MAX_SAVED_PAYLOADS_TOTAL_BYTES}`,
      });
  });

/** A value a message names: text and numbers as JSON (long text cut short), anything else by kind. */
function shownValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'a list';
  return value !== null && typeof value === 'object' ? 'an object' : String(value);
}

/** The payload's size as JSON, in UTF-8 bytes (what the limits count). */
export function payloadBytes(payload: unknown): number {
  return new TextEncoder().encode(JSON.stringify(payload)).length;
}

/** A change to the saved payloads (`id` is "*" when all were replaced). */
export interface PayloadChange {
  type: 'payload-saved' | 'payload-deleted' | 'payloads-replaced';
  id: string;
}

/** `PUT /payloads`: every saved payload at once. */
export const PayloadsReplaceSchema = z.strictObject({ items: z.array(z.unknown()).max(MAX_SAVED_PAYLOADS) });
