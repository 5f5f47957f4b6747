import { jsonSize } from '../templates/json-size';

/** The routes of one import, as JSON, stay well within what a workspace file may hold. */
export const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

/**
 * Whether `value` written out as JSON would pass `limit` (MAX_OUTPUT_BYTES unless given). A dereferenced document
 * shares what its `$ref`s point to, so a few lines whose `$ref`s double at each of 28 levels are hundreds of
 * millions of values written out: measured only as far as the limit, before anything walks the whole of it.
 */
export function exceedsOutputBytes(value: unknown, limit = MAX_OUTPUT_BYTES): boolean {
  return jsonSize(value, limit) < 0;
}
