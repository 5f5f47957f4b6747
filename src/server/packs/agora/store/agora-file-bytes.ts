import type { User } from '../../../../shared/agora-model';
import { itemFileBytes } from '../../../workspace/document-bytes';

/** How deep a workspace file indents a user: the document's `packs` 1, a pack 2, its `data` 3, `users` 4, a user 5. */
const USER_LEVEL = 5;

/** What a user adds to the workspace file, in UTF-8 bytes. */
export function userFileBytes(user: User): number {
  return itemFileBytes(user, USER_LEVEL);
}
