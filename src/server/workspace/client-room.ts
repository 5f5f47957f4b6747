import { WORKSPACE_MAX_BYTES } from '../../shared/workspace-max-bytes';
import { roomForWrite } from '../support/room-for-write';
import { describeBytes, describeMegabytes } from './bounded-file';

/**
 * What the per-item sizes clients' writes are charged leave out, kept free so the file still fits: the brackets and
 * line break a list gains when its first item comes (a few bytes per collection, per pack list).
 */
const SLACK_BYTES = 64 * 1024;

/**
 * The room the workspace file leaves for what clients write through the mocked API (collections' records, a pack's
 * users): they may take the whole file up to WORKSPACE_MAX_BYTES, and no further, so the world always saves.
 *
 * Everything else the file holds (routes, scenarios, settings, sessions made by hand, …) is measured by the workspace
 * (`measured`) when it changes — a workspace loaded, an import, a console edit — and never per client request: a
 * client's write costs an integer comparison (`fits`) and an addition (`charge`). Recorded history that a save
 * evicts to fit (`RunningPack.evictableBytes`) is left out of the measure: it gives way, and does not count against
 * clients' writes.
 */
export class ClientRoom {
  /** What the file holds as last measured, recorded history left out. */
  private measuredBytes = 0;
  /** What clients' writes added (or freed: negative) since. */
  private writtenBytes = 0;

  constructor(readonly limit = WORKSPACE_MAX_BYTES - SLACK_BYTES) {}

  /** What the file holds as far as clients' writes are concerned: the last measure and what was written since. */
  get usedBytes(): number {
    return this.measuredBytes + this.writtenBytes;
  }

  /** Whether a write of `after` bytes in place of `before` fits in the file, or takes no more (`roomForWrite`). */
  fits(before: number, after: number): boolean {
    return roomForWrite(this.usedBytes, before, after, this.limit);
  }

  /** A write that stored `after` bytes in place of `before` (asked `fits` first when it may be refused). */
  charge(before: number, after: number): void {
    this.writtenBytes += after - before;
  }

  /** A 413's detail for a write that does not fit: `what` it was (`this record (120 bytes)`), and what to do. */
  refusal(what: string, fix: string): string {
    return `Content Too Large: the workspace file may hold ${describeBytes(WORKSPACE_MAX_BYTES)}, the workspace takes ${describeMegabytes(this.usedBytes)} of it (recorded history aside), and ${what} does not fit in what is left: ${fix}`;
  }

  /** The workspace measured the file (`bytes`, recorded history left out): what was written until now is in it. */
  measured(bytes: number): void {
    this.measuredBytes = bytes;
    this.writtenBytes = 0;
  }
}
