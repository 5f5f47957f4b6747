import { jsonSize } from '../templates/json-size';
import { describeBytes } from '../workspace/bounded-file';

/**
 * Largest OpenAPI document an import reads (the CLI's file or URL, the control API's and the console's text), and
 * largest file it refers to, in bytes. GitHub's REST API description (13 MB, 1,100 operations) imports within it in
 * about 5 s and 350 MB on the import's worker thread.
 */
export const MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;

/** A document past the limit: its size, the limit, and what to do (`size` in bytes, or characters as the control API counts). */
export function documentTooLarge(size: number, limit: number, unit = 'bytes'): string {
  return `the document is ${size} ${unit}, more than the import's limit of ${describeBytes(limit)}: import it in parts (documents of fewer paths)`;
}

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
