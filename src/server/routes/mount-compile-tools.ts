import type { Stats } from 'node:fs';
import type { JsonBodyLimits } from '../http/json-body';
import { TemplateEngine } from '../templates/template-engine';
import type { ClientRoom } from '../workspace/client-room';
import { MountIssues } from '../world/mount-validation-error';
import { CollectionBudget } from './collections/collection-budget';
import type { DripHoldings } from './drip-holdings';
import { JsonSchemas } from './json-schemas';

/** What HTTP mounts need from the engine: where their files are, and the body limits of the moment. */
export interface HttpMountEnv {
  /** The folder relative files resolve against (response files, static folders): the workspace file's folder. */
  baseDir: string;
  /**
   * Read per request, never while compiling: settings change at run time, and a world's are applied after its mounts
   * were compiled to check it (`World.checkToServe`).
   */
  settings(): JsonBodyLimits;
  /**
   * The workspace file, read per request (open and save as change it): never served, nor its backups, whatever a
   * response or static folder names — it may hold the gateway's keys. None when the world has no file.
   */
  workspaceFile?(): string | null;
  /**
   * Whether a file (by device and inode: `stats` of any of its names) has been the workspace file or one of its
   * backups while this engine ran: a hard link made before a save reaches the version the save replaced. Never served.
   */
  isWorkspaceFileVersion?(stats: Stats): boolean;
  /** What the workspace file leaves for clients' writes, which collections' records take too. None: no bound but theirs. */
  clientRoom?: ClientRoom;
  /**
   * What the engine's drips hold in memory, within one bound for all of them. None (mounts compiled only to be
   * checked): a file drips piece by piece, a text unbounded.
   */
  dripHoldings?: DripHoldings;
}

/**
 * What compiling a world's HTTP mounts shares: one template environment, one set of validators, one issue list, and
 * the room its collections' records share.
 */
export interface MountCompileTools {
  readonly env: HttpMountEnv;
  readonly templates: TemplateEngine;
  readonly schemas: JsonSchemas;
  readonly issues: MountIssues;
  readonly collectionData: CollectionBudget;
}

export function mountCompileTools(env: HttpMountEnv): MountCompileTools {
  return {
    env,
    templates: new TemplateEngine(),
    schemas: new JsonSchemas(),
    issues: new MountIssues(),
    collectionData: new CollectionBudget(undefined, env.clientRoom),
  };
}
