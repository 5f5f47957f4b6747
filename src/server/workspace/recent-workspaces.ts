import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { RecentWorkspace } from '../../shared/workspace';
import type { Logger } from '../support/logger';
import { writeFileAtomic } from './atomic-file';

const MAX_RECENT = 10;

const RecentFileSchema = z.object({
  workspaces: z.array(z.object({ path: z.string().min(1), name: z.string(), openedAt: z.number() })),
});

/** `$AGUI_MOCK_CONFIG_DIR`, else `$XDG_CONFIG_HOME/agui-mock`, else `~/.config/agui-mock` (`%APPDATA%` on Windows). */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AGUI_MOCK_CONFIG_DIR) return env.AGUI_MOCK_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'agui-mock');
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'agui-mock');
  return join(homedir(), '.config', 'agui-mock');
}

/**
 * The workspaces opened lately, newest first, in `recent.json` of the config folder. A missing or damaged
 * list starts empty (it is a convenience: never a reason to refuse to start).
 */
export class RecentWorkspaces {
  private items: RecentWorkspace[] | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly configDir: string,
    private readonly logger?: Logger,
  ) {}

  get file(): string {
    return join(this.configDir, 'recent.json');
  }

  async list(): Promise<RecentWorkspace[]> {
    if (!this.items) this.items = await this.read();
    return this.items.map((item) => ({ ...item }));
  }

  /** What is known without reading the file again (empty before the first `list`/`add`). */
  cached(): RecentWorkspace[] {
    return (this.items ?? []).map((item) => ({ ...item }));
  }

  async add(entry: RecentWorkspace): Promise<void> {
    const items = (await this.list()).filter((item) => item.path !== entry.path);
    this.items = [entry, ...items].slice(0, MAX_RECENT);
    const text = `${JSON.stringify({ workspaces: this.items }, null, 2)}\n`;
    this.writing = this.writing.then(async () => {
      try {
        await mkdir(this.configDir, { recursive: true });
        await writeFileAtomic(this.file, text);
      } catch (error) {
        this.logger?.warn(`could not update the recent workspaces list ${this.file}: ${(error as Error).message}`);
      }
    });
    await this.writing;
  }

  private async read(): Promise<RecentWorkspace[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    try {
      return RecentFileSchema.parse(JSON.parse(text)).workspaces.slice(0, MAX_RECENT);
    } catch (error) {
      this.logger?.warn(`ignoring a damaged recent workspaces list ${this.file}: ${(error as Error).message}`);
      return [];
    }
  }
}
