import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { MockServer, MockServerOptions } from '../../src/server/index';
import { encodeWorkspace } from '../../src/server/workspace/workspace-codec';
import { workspaceTemplate } from '../../src/server/workspace/workspace-templates';
import { WorkspaceSchema } from '../../src/shared/workspace';
import { startTestEngine } from './engine';

/** A fresh temp folder for one test file's workspaces (and its recent list), removed afterwards. */
export async function workspaceDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'agui-workspace-'));
  // Retried: an engine of the file's may still be writing here (an autosave due), its own `after` not run yet. A
  // folder left behind is said, not thrown: a failed hook would keep the engine's own `after` from closing it.
  after(() =>
    rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }).catch((error: Error) =>
      console.warn(`temp folder ${dir} not removed: ${error.message}`),
    ),
  );
  return dir;
}

/**
 * A workspace file `name` in `dir`, made from the agora template as `init` writes it (the world named `worldName`,
 * by default after the file); its path.
 */
export async function agoraWorkspaceFile(dir: string, name: string, worldName = name): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, encodeWorkspace(WorkspaceSchema.parse(workspaceTemplate('agora', Date.now(), worldName))));
  return file;
}

/** An engine on `file`, its recent list kept in `dir` (and kept, as the desktop app keeps it), quick autosave. */
export function startWorkspaceEngine(dir: string, file: string, options: MockServerOptions = {}): Promise<MockServer> {
  return startTestEngine({
    workspace: file,
    recentWorkspaces: true,
    ...options,
    workspaceOptions: { configDir: dir, autosaveDelayMs: 50, watchDelayMs: 20, ...options.workspaceOptions },
  });
}

/** What a test switches on to have the disk refuse the engine's saves: each file the engine opens to write. */
export interface SaveRefusal {
  on: boolean;
}

/**
 * `startWorkspaceEngine`'s engine, whose saves fail with `code` (`EIO`, `EROFS`…) and `message` while `refusal.on`;
 * quiet, since the failures it is started for are logged.
 */
export async function startRefusingWorkspaceEngine(
  dir: string,
  file: string,
  code: string,
  message: string,
): Promise<{ server: MockServer; refusal: SaveRefusal }> {
  const refusal: SaveRefusal = { on: false };
  const server = await startWorkspaceEngine(dir, file, {
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    workspaceOptions: {
      fileHooks: {
        beforeOpen: () => {
          if (refusal.on) throw Object.assign(new Error(message), { code });
        },
      },
    },
  });
  return { server, refusal };
}

export async function readJson(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(file, 'utf8'));
}
