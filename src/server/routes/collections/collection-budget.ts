import type { JsonObject } from '../../../shared/json-value';
import { HttpError } from '../../http/http-errors';

/**
 * What all collections' records may take together, as the workspace file writes them (characters): clients write
 * records through the mocked API, and each is kept in memory and saved. Well under the 64 MB a workspace file may
 * have, so what clients wrote always loads again, with room for the rest of the workspace.
 */
export const COLLECTION_DATA_MAX_CHARS = 32 * 1024 * 1024;

/** A record's line in the file is indented this deep (document, `collections`, a collection, `records`): 2 each. */
const RECORD_INDENT = 8;

/**
 * The room all collections of one world share. Records a workspace holds are charged as they load, whatever their
 * size (the file was the author's); a write through the API that would pass the limit is refused with 413.
 */
export class CollectionBudget {
  private used = 0;

  constructor(readonly limit = COLLECTION_DATA_MAX_CHARS) {}

  get usedChars(): number {
    return this.used;
  }

  charge(chars: number): void {
    this.used += chars;
  }

  release(chars: number): void {
    this.used -= chars;
  }

  /** Throws a 413 unless replacing `before` characters of records with `after` stays within the limit. */
  checkRoom(collection: string, before: number, after: number): void {
    if (after <= before || this.used - before + after <= this.limit) return;
    throw new HttpError(
      413,
      `Content Too Large: the collections of this mock hold at most ${this.limit / 1024 / 1024} Mi characters of records as the workspace file writes them, and this record (${after} characters) does not fit in ${collection}: delete records first`,
    );
  }
}

/**
 * A record's size in the workspace file: `JSON.stringify(record, null, 2)` with every line indented for where records
 * sit (deep nesting and long arrays of small values take far more room written out than sent).
 */
export function recordFileChars(record: JsonObject): number {
  const text = JSON.stringify(record, null, 2);
  let lines = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
  return text.length + lines * RECORD_INDENT;
}
