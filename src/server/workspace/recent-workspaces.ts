import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { type RecentWorkspace, WorkspaceNameSchema } from '../../shared/workspace';
import { type ReleaseLock, takeLockFile } from '../support/lock-file';
import type { Logger } from '../support/logger';
import { writeFileAtomic } from './atomic-file';
import { describeBytes, readRegularFile } from './bounded-file';
import { workspaceNameFor } from './workspace-name';

const MAX_RECENT = 10;
/** How long an update waits for another process's lock before writing without it (the list is a convenience). */
const LOCK_WAIT_MS = 2000;
/** A lock older than this was left by a process that died holding it: an update takes milliseconds. */
const LOCK_STALE_MS = 10_000;
/** Ten entries take a few kilobytes even with the longest paths: a bigger file is not a list this wrote. */
const MAX_LIST_BYTES = 1024 * 1024;

const RecentFileSchema = z.object({
  workspaces: z.array(z.object({ path: z.string().min(1), name: z.string(), openedAt: z.number() })),
});

/**
 * An entry as the console shows it: a name a workspace may no longer have (only spaces, from before the schema
 * refused them; a line break written by hand) gives way to its file's, rather than showing blank or breaking a line.
 */
function shown(entry: RecentWorkspace): RecentWorkspace {
  return WorkspaceNameSchema.safeParse(entry.name).success ? entry : { ...entry, name: workspaceNameFor(entry.path) };
}

/** `$AGUI_MOCK_CONFIG_DIR`, else `$XDG_CONFIG_HOME/agui-mock`, else `~/.config/agui-mock` (`%APPDATA%` on Windows). */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AGUI_MOCK_CONFIG_DIR) return env.AGUI_MOCK_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'agui-mock');
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'agui-mock');
  return join(homedir(), '.config', 'agui-mock');
}

/** Updates of one list file in this process, one after another (the lock file orders them across processes). */
const updatesInProcess = new Map<string, Promise<unknown>>();

/**
 * The workspaces opened lately, newest first, in `recent.json` of the config folder. A missing or damaged
 * list starts empty (it is a convenience: never a reason to refuse to start). Several engines (test files run in
 * parallel, the desktop app beside `serve`) share the file, so each update re-reads it and merges under a lock
 * rather than writing its own copy back.
 */
export class RecentWorkspaces {
  private items: RecentWorkspace[] | undefined;

  constructor(
    private readonly configDir: string,
    private readonly logger?: Logger,
  ) {}

  get file(): string {
    return join(this.configDir, 'recent.json');
  }

  /** The list as it is on disk now (other engines add to it too). */
  async list(): Promise<RecentWorkspace[]> {
    this.items = await this.read();
    return this.items.map((item) => ({ ...item }));
  }

  /** What is known without reading the file again (empty before the first `list`/`add`). */
  cached(): RecentWorkspace[] {
    return (this.items ?? []).map((item) => ({ ...item }));
  }

  async add(entry: RecentWorkspace): Promise<void> {
    const file = this.file;
    const update = (updatesInProcess.get(file) ?? Promise.resolve()).then(() => this.merge(entry));
    const settled = update.catch(() => {});
    updatesInProcess.set(file, settled);
    await update;
    if (updatesInProcess.get(file) === settled) updatesInProcess.delete(file);
  }

  /** Re-read, put `entry` first, write atomically: under the lock, so no other process's entry is lost. */
  private async merge(entry: RecentWorkspace): Promise<void> {
    try {
      await mkdir(this.configDir, { recursive: true });
    } catch (error) {
      this.logger?.warn(`could not update the recent workspaces list ${this.file}: ${(error as Error).message}`);
      return;
    }
    const unlock = await this.lock();
    try {
      const items = (await this.read()).filter((item) => item.path !== entry.path);
      this.items = [entry, ...items].slice(0, MAX_RECENT);
      await writeFileAtomic(this.file, `${JSON.stringify({ workspaces: this.items }, null, 2)}\n`);
    } catch (error) {
      this.logger?.warn(`could not update the recent workspaces list ${this.file}: ${(error as Error).message}`);
    } finally {
      await unlock();
    }
  }

  /**
   * `recent.json.lock`, waited for briefly while another process holds it. A lock that cannot be had in time (a stuck
   * holder, a folder that refuses it) is skipped: an entry may then be lost, but starting never hangs on the list.
   */
  private async lock(): Promise<ReleaseLock> {
    const release = await takeLockFile(`${this.file}.lock`, { waitMs: LOCK_WAIT_MS, staleMs: LOCK_STALE_MS });
    if (release) return release;
    this.logger?.warn(`the recent workspaces list ${this.file} stayed locked; updating it without the lock`);
    return async () => {};
  }

  private async read(): Promise<RecentWorkspace[]> {
    let bytes: Awaited<ReturnType<typeof readRegularFile>>;
    try {
      // Bounded and never blocking: a FIFO in its place would hold up every start, a huge file fill memory.
      bytes = await readRegularFile(this.file, MAX_LIST_BYTES);
    } catch {
      return [];
    }
    try {
      if (!Buffer.isBuffer(bytes))
        throw new Error(
          bytes.refused === 'too large'
            ? `larger than ${describeBytes(bytes.maxBytes)}`
            : `not a regular file (it is ${bytes.what})`,
        );
      return RecentFileSchema.parse(JSON.parse(bytes.toString('utf8')))
        .workspaces.slice(0, MAX_RECENT)
        .map(shown);
    } catch (error) {
      this.logger?.warn(`ignoring a damaged recent workspaces list ${this.file}: ${(error as Error).message}`);
      return [];
    }
  }
}
