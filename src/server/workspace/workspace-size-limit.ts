import { describeBytes } from './bounded-file';
import { WORKSPACE_MAX_BYTES } from './workspace-file';

/** What a workspace past WORKSPACE_MAX_BYTES is, in words. */
export const TOO_LARGE_TO_OPEN = `larger than ${describeBytes(WORKSPACE_MAX_BYTES)}, the largest file the engine opens`;

/** A document a save stopped writing at WORKSPACE_MAX_BYTES: the engine would refuse to open the file. */
export class WorkspaceTooLarge extends Error {
  constructor() {
    super(
      `the workspace is ${TOO_LARGE_TO_OPEN}: ` +
        'lower the history limits (maxRecordedBytes, maxRecordedMessages, maxRecordedMessagesPerSession, ' +
        'maxRecordedSessions) or delete sessions or large records, then save again',
    );
  }
}

/**
 * `data` as it is written, counted on the way (the chunks are already made; nothing is encoded again): throws
 * WorkspaceTooLarge once it passes WORKSPACE_MAX_BYTES, which abandons the atomic write it feeds, so the file on
 * disk stays as it was.
 */
export function* withinWorkspaceLimit(data: string | Iterable<string | Uint8Array>): Generator<string | Uint8Array> {
  let bytes = 0;
  for (const chunk of typeof data === 'string' ? [data] : data) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk, 'utf8') : chunk.byteLength;
    if (bytes > WORKSPACE_MAX_BYTES) throw new WorkspaceTooLarge();
    yield chunk;
  }
}
