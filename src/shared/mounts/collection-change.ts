import type { JsonObject } from '../json-value';

/** A change to a collection's records, made through its REST API or the console: the workspace saves it. */
export type CollectionChange =
  | { type: 'created' | 'replaced' | 'patched'; collection: string; id: number | string; record: JsonObject }
  | { type: 'deleted'; collection: string; id: number | string }
  | { type: 'reset'; collection: string; records: JsonObject[] };
