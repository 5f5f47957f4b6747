import { z } from 'zod';
import { JsonObjectSchema } from '../json-value';
import { mountHead, PathPatternSchema } from './mount-fields';

/**
 * A collection: a named list of JSON records with a generated REST API, like json-server or Mockoon's CRUD routes —
 * list (paging, sorting, filters), get, create (201), replace, patch and delete on `<path>` and `<path>/:id`.
 * Changes made through the API or the console are kept in the workspace.
 */
export const ID_TYPES = ['integer', 'uuid', 'string'] as const;

export const CollectionSchema = z.strictObject({
  ...mountHead,
  path: PathPatternSchema.describe(
    'Base path of the collection, literal segments only (`/items`, `/api/items`): records are at `/items/:id`.',
  ),
  idField: z.string().min(1).max(100).default('id').describe('The field of each record that identifies it.'),
  idType: z
    .enum(ID_TYPES)
    .default('integer')
    .describe('Type of the ids: integer (new ids count up), uuid (new ids are random UUIDs), or any string.'),
  schema: JsonObjectSchema.optional().describe(
    'JSON Schema (2020-12) every record must satisfy on create, replace and patch (refused with FastAPI 422 ' +
      'otherwise); defaults it declares fill new records.',
  ),
  records: z
    .array(JsonObjectSchema)
    .default([])
    .describe("The records, in order. Each is a JSON object with a unique id of the collection's id type."),
});
export type Collection = z.infer<typeof CollectionSchema>;
export type CollectionInput = z.input<typeof CollectionSchema>;
