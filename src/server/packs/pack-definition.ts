import type Router from '@koa/router';
import type { z } from 'zod';
import type { PackName } from '../../shared/mounts/pack';
import type { SocketEndpoint } from '../../shared/mounts/socket-endpoint';
import type { PackChange } from '../../shared/pack-change';
import type { ServerSettings } from '../../shared/settings';
import type { RunObserver } from '../scenarios/conversation';
import type { ChangeMerging } from '../support/change-coalescer';
import type { Logger } from '../support/logger';
import type { ClientRoom } from '../workspace/client-room';

/** What a pack gets from the engine. */
export interface PackEnvironment {
  readonly logger: Logger;
  /** Current settings; read them each time, they change at run time. */
  settings(): ServerSettings;
  /**
   * Refuses the pack's data as a console edit would leave it when the workspace would then be too large to save
   * (throws a 409 HttpError); the pack's control routes ask before they store an edit. None: nothing is refused.
   */
  checkDataRoom?(data: unknown): void;
  /**
   * What the workspace file leaves for clients' writes: what the pack keeps of them (and cannot evict) is charged to
   * it, and a write that does not fit is refused. None: only the pack's own bounds hold.
   */
  readonly clientRoom?: ClientRoom;
}

/**
 * A built-in backend contract: what it serves (REST routes in code, WebSocket endpoints as data like a user's), the
 * data it serves from (kept in the workspace), and how it follows the world's AG-UI runs. The engine knows packs
 * only through this interface; everything specific to one lives in its own folder.
 */
export interface PackDefinition<Data = unknown> {
  readonly name: PackName;
  /** For people: what the pack mocks. */
  readonly title: string;
  /** The pack's data as a workspace keeps it. */
  readonly dataSchema: z.ZodType<Data>;
  /** The data a new workspace starts with. */
  seed(now: number): Data;
  /**
   * What the schema cannot see (consistency across records), as problems located under the data: an empty list
   * when the data can be served. Checked when a workspace is loaded, before anything changes.
   */
  check(data: Data): { path: (string | number)[]; message: string }[];
  /**
   * The paths its part of the console's API starts with (`/state`, under /__console/api), so a request there while
   * it does not serve is told which pack serves it.
   */
  readonly controlPaths: readonly string[];
  /** Starts the pack on the engine with its data, checked, which no one changes after: it may keep it as it is. */
  start(environment: PackEnvironment, data: Data): RunningPack<Data>;
  /** How its changes combine between two live-feed batches; without it, each goes out as it came. */
  readonly changeMerging?: ChangeMerging<PackChange>;
}

/** A pack serving on the engine. */
export interface RunningPack<Data = unknown> {
  readonly definition: PackDefinition<Data>;
  /** REST routes, tried after the user's own mounts. */
  readonly routers: readonly Router[];
  /** WebSocket endpoints, declared as a user declares them, tried after the user's own. */
  readonly sockets: readonly SocketEndpoint[];
  /** Its part of the console's API, mounted under /__console/api. */
  readonly controlRouters: readonly Router[];
  /** Told about every AG-UI run on every endpoint of the world (e.g. to record runs as sessions). */
  runObserver(): RunObserver | undefined;
  /** Its data as the workspace keeps it: the stored values as they are, for readers (never changed by them). */
  snapshot(): Data;
  /**
   * Gives up the oldest history agent runs recorded so the workspace fits in its file (a save or an export found it
   * too large), never what was made by hand; nothing when it could not free `room.needed`. What went, or undefined.
   */
  makeRoom?(room: FileRoom): { deletedSessions: number; removedMessages: number } | undefined;
  /**
   * What `makeRoom` could free at most, in bytes as the file writes them (`fileBytes`: as `FileRoom` has it): left
   * out of what the workspace file holds when it weighs the room for clients' writes (`ClientRoom`), since it gives way.
   */
  evictableBytes?(fileBytes: FileRoom['fileBytes']): number;
  /**
   * Swaps in other data (a workspace reloaded); checked before, so it cannot fail, and no one changes it after: it
   * may keep it as it is.
   */
  replace(data: Data): void;
  /** Changes to its data (autosave, the console's feed). */
  subscribe(listener: (change: PackChange) => void): () => void;
  /** Counts the server info shows (users, sessions). */
  counts(): Record<string, number>;
  /** Stops whatever it runs. */
  close(): void;
}

/**
 * How deep a workspace file indents an item of a list in a pack's data (a user, a session): the document's `packs` 1,
 * a pack 2, its `data` 3, the list 4, the item 5.
 */
export const PACK_DATA_ITEM_LEVEL = 5;

/** Room a save wants in the workspace file (`RunningPack.makeRoom`), in bytes as the file writes them. */
export interface FileRoom {
  /** Less than this is no use: the file would still be too large. */
  needed: number;
  /** Freed up to this, so the next runs do not take the world past the limit again at once. */
  wanted: number;
  /** What a value takes in the file as one item of a list in the pack's data (a session). */
  fileBytes: (item: unknown) => number;
}
