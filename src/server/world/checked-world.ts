import type { WorldParts } from '../../shared/workspace';
import type { HttpMounts } from '../routes/http-mounts';
import type { World } from './world';

/**
 * A world checked before it is served (`World.checkToServe`: an open checks the file it decodes, then saves the world
 * it replaces), with the HTTP mounts the check compiled as that world serves them. `World.replace` serves those once,
 * rather than compiling them again (GitHub's 1,223 routes hold the engine's thread ~1.2 s a compile), when it serves
 * the very routes, collections and static folders checked, from the same folder.
 */
export class CheckedWorld {
  private taken = false;

  constructor(
    private readonly world: World,
    private readonly parts: WorldParts,
    private readonly baseDir: string,
    /** The HTTP mounts compiled from `parts`, answering in `world`'s environment. */
    readonly http: HttpMounts,
  ) {}

  /**
   * The mounts for `world` to serve `parts` from `baseDir`, once (what they remember, records and counters, is the
   * world's that serves them); undefined when they are not the ones checked, or were taken.
   */
  take(world: World, parts: WorldParts, baseDir: string): HttpMounts | undefined {
    if (this.taken || world !== this.world || baseDir !== this.baseDir) return undefined;
    const same =
      parts.routes === this.parts.routes &&
      parts.collections === this.parts.collections &&
      parts.staticFolders === this.parts.staticFolders;
    if (!same) return undefined;
    this.taken = true;
    return this.http;
  }
}
