import type { User } from '../../../../shared/agora-model';
import { roomForWrite } from '../../../support/room-for-write';
import { userFileBytes } from './agora-file-bytes';

/**
 * What all the AGORA pack's users may take together, as the workspace file writes them (UTF-8 bytes). Clients write
 * users through the mocked API, each kept in memory and saved: 10,000 users of 16 Ki characters of preferences would
 * be about 160 MB, and a workspace file may have 64 MB. 8 MiB is far beyond what HAI or a test suite creates, and
 * with the collections' 32 MiB (`COLLECTION_DATA_MAX_BYTES`) what clients wrote always saves.
 */
export const USERS_DATA_MAX_BYTES = 8 * 1024 * 1024;

/**
 * The room the users share: each user's size in the file (`userFileBytes`, measured once per write) by id, and
 * their sum, kept as users are stored and deleted. The store counts users it loads whatever their size (the file was
 * the author's) and asks `fits` before a client's write.
 */
export class UsersBudget {
  private readonly sizes = new Map<string, number>();
  private used = 0;
  readonly limit = USERS_DATA_MAX_BYTES;

  /** Counts `users` afresh, in place of everything counted before (a workspace load, a reset). */
  recount(users: Iterable<User>): void {
    this.sizes.clear();
    this.used = 0;
    for (const user of users) this.put(user.id, userFileBytes(user));
  }

  /** What the user stored under `id` takes in the file; 0 for none. */
  bytesOf(id: string): number {
    return this.sizes.get(id) ?? 0;
  }

  /** Whether `bytes` in place of the user stored under `id` (if any) stays within the limit, or takes no more. */
  fits(id: string, bytes: number): boolean {
    return roomForWrite(this.used, this.bytesOf(id), bytes, this.limit);
  }

  /** Counts `bytes` for the user `id`, in place of what it took before. */
  put(id: string, bytes: number): void {
    this.used += bytes - this.bytesOf(id);
    this.sizes.set(id, bytes);
  }

  remove(id: string): void {
    this.used -= this.bytesOf(id);
    this.sizes.delete(id);
  }
}
