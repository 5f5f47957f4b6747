import type { JsonObject } from '../../../shared/json-value';
import { HttpError } from '../../http/http-errors';
import { roomForWrite } from '../../support/room-for-write';
import type { ClientRoom } from '../../workspace/client-room';
import { itemFileBytes } from '../../workspace/document-bytes';

/**
 * What all collections' records may take together, as the workspace file writes them (UTF-8 bytes: a character may
 * take up to three, so characters would let 32 Mi of them pass the file's 64 MiB): clients write records through the
 * mocked API, and each is kept in memory and saved. Half the 64 MiB a workspace file may have; the file's own limit
 * holds them too (`ClientRoom`), so a workspace whose routes or scenarios take much of the file leaves them less.
 */
export const COLLECTION_DATA_MAX_BYTES = 32 * 1024 * 1024;

/** How deep the file indents a record, an item of a list (document, `collections`, a collection, `records`). */
const RECORD_LEVEL = 4;

/**
 * The room all collections of one world share. Records a workspace holds are charged as they load, whatever their
 * size (the file was the author's); a write through the API that would pass the limit, or take the workspace file
 * past its own (`room`: what it leaves clients' writes), is refused with 413.
 */
export class CollectionBudget {
  private used = 0;

  constructor(
    readonly limit = COLLECTION_DATA_MAX_BYTES,
    private readonly room?: ClientRoom,
  ) {}

  get usedBytes(): number {
    return this.used;
  }

  charge(bytes: number): void {
    this.used += bytes;
  }

  release(bytes: number): void {
    this.used -= bytes;
  }

  /**
   * A write through the API stored `after` bytes of records in place of `before`: charged to what the workspace file
   * leaves clients' writes too. Only writes: records a compile loads are in the workspace's measure of the file, and
   * a compile that is refused, or only checks (an import's dry run), must leave that room as it was.
   */
  wrote(before: number, after: number): void {
    this.room?.charge(before, after);
  }

  /**
   * Throws a 413 unless replacing `before` bytes of records with `after` stays within the limit, and, for a client's
   * write (`client`), within what the workspace file leaves clients' writes. The console's writes are measured exactly
   * against the file instead (a 409, `WorkspaceService.checkRoom`). `what`: the write, as the message names it.
   */
  checkRoom(
    collection: string,
    before: number,
    after: number,
    client: boolean,
    what = `this record (${after} bytes)`,
  ): void {
    if (!roomForWrite(this.used, before, after, this.limit)) {
      throw new HttpError(
        413,
        `Content Too Large: the collections of this mock hold at most ${this.limit / 1024 / 1024} MiB of records as the workspace file writes them, and ${what} does not fit in ${collection}: delete records first`,
      );
    }
    if (client && this.room && !this.room.fits(before, after)) {
      throw new HttpError(
        413,
        this.room.refusal(
          `${what} in ${collection}`,
          'delete records first (or routes, scenarios or other data from the workspace)',
        ),
      );
    }
  }
}

/**
 * A record's size in the workspace file, in UTF-8 bytes: `JSON.stringify(record, null, 2)` with every line indented
 * for where records sit (deep nesting and long arrays of small values take far more room written out than sent).
 */
export function recordFileBytes(record: JsonObject): number {
  return itemFileBytes(record, RECORD_LEVEL);
}
