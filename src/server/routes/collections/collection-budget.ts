import type { JsonObject } from '../../../shared/json-value';
import { HttpError } from '../../http/http-errors';
import { roomForWrite } from '../../support/room-for-write';
import { indentedJsonSize, type Written } from '../../workspace/document-bytes';

/**
 * What all collections' records may take together, as the workspace file writes them (UTF-8 bytes: a character may
 * take up to three, so characters would let 32 Mi of them pass the file's 64 MB): clients write records through the
 * mocked API, and each is kept in memory and saved. Half the 64 MB a workspace file may have, so what clients wrote
 * alone always saves, with room for the rest of the workspace.
 */
export const COLLECTION_DATA_MAX_BYTES = 32 * 1024 * 1024;

/** A record's line in the file is indented this deep (document, `collections`, a collection, `records`): 2 each. */
const RECORD_INDENT = 8;

/**
 * The room all collections of one world share. Records a workspace holds are charged as they load, whatever their
 * size (the file was the author's); a write through the API that would pass the limit is refused with 413.
 */
export class CollectionBudget {
  private used = 0;

  constructor(readonly limit = COLLECTION_DATA_MAX_BYTES) {}

  get usedBytes(): number {
    return this.used;
  }

  charge(bytes: number): void {
    this.used += bytes;
  }

  release(bytes: number): void {
    this.used -= bytes;
  }

  /** Throws a 413 unless replacing `before` bytes of records with `after` stays within the limit. */
  checkRoom(collection: string, before: number, after: number): void {
    if (roomForWrite(this.used, before, after, this.limit)) return;
    throw new HttpError(
      413,
      `Content Too Large: the collections of this mock hold at most ${this.limit / 1024 / 1024} MiB of records as the workspace file writes them, and this record (${after} bytes) does not fit in ${collection}: delete records first`,
    );
  }
}

/**
 * A record's size in the workspace file, in UTF-8 bytes: `JSON.stringify(record, null, 2)` with every line indented
 * for where records sit (deep nesting and long arrays of small values take far more room written out than sent).
 */
export function recordFileBytes(record: JsonObject): number {
  const { bytes, breaks } = indentedJsonSize(record) as Written;
  return bytes + (breaks + 1) * RECORD_INDENT;
}
