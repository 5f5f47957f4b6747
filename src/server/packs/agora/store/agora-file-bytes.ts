import type { SessionMetadata, StoredSession, User } from '../../../../shared/agora-model';
import { itemFileBytes } from '../../../workspace/document-bytes';
import { PACK_DATA_ITEM_LEVEL } from '../../pack-definition';

/** What a user (an item of the pack data's `users`) adds to the workspace file, in UTF-8 bytes. */
export function userFileBytes(user: User): number {
  return itemFileBytes(user, PACK_DATA_ITEM_LEVEL);
}

/** What a session's metadata takes in the workspace file, in UTF-8 bytes (what a rename changes). */
export function metadataFileBytes(metadata: SessionMetadata): number {
  return itemFileBytes(metadata, PACK_DATA_ITEM_LEVEL + 1);
}

/** What a session (an item of the pack data's `sessions`) adds to the workspace file, in UTF-8 bytes. */
export function sessionFileBytes(session: StoredSession): number {
  return itemFileBytes(session, PACK_DATA_ITEM_LEVEL);
}
