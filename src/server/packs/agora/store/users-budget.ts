import type { User } from '../../../../shared/agora-model';
import { roomForWrite } from '../../../support/room-for-write';
import type { ClientRoom } from '../../../workspace/client-room';
import { userFileBytes } from './agora-file-bytes';

/**
 * What all the AGORA pack's users may take together, as the workspace file writes them (UTF-8 bytes). Clients write
 * users through the mocked API, each kept in memory and saved: 10,000 users of 16 Ki characters of preferences would
 * be about 160 MB, and a workspace file may have 64 MiB. 8 MiB is far beyond what HAI or a test suite creates; the
 * file's own limit holds them too (`ClientRoom`), shared with the collections' records.
 */
export const USERS_DATA_MAX_BYTES = 8 * 1024 * 1024;

/**
 * The room the users share: each user's size in the file (`userFileBytes`, measured once per write) by id, and
 * their sum, kept as users are stored and deleted (and charged to `room`, what the workspace file leaves clients'
 * writes). The store counts users it loads whatever their size (the file was the author's) and asks `fits` (and the
 * room) before a client's write.
 */
export class UsersBudget {
  private readonly sizes = new Map<string, number>();
  private used = 0;
  readonly limit = USERS_DATA_MAX_BYTES;

  constructor(private readonly room?: ClientRoom) {}

  /**
   * Counts `users` afresh, in place of everything counted before (a workspace load, a reset). Not charged to `room`:
   * the workspace measures what it loads, and a pack started only to be refused must leave the room as it was.
   */
  recount(users: Iterable<User>): void {
    this.sizes.clear();
    this.used = 0;
    for (const user of users) {
      const bytes = userFileBytes(user);
      this.used += bytes;
      this.sizes.set(user.id, bytes);
    }
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
    const before = this.bytesOf(id);
    this.used += bytes - before;
    this.room?.charge(before, bytes);
    this.sizes.set(id, bytes);
  }

  remove(id: string): void {
    this.room?.charge(this.bytesOf(id), 0);
    this.used -= this.bytesOf(id);
    this.sizes.delete(id);
  }
}
