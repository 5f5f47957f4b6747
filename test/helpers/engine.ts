import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { type MockServer, type MockServerOptions, silentLogger, startMockServer } from '../../src/server/index';

/**
 * Starts a real engine on a free loopback port for the current test file and closes it after.
 * Scenario delays are off (speed 0) unless a test asks otherwise. Its config folder (the recent-workspaces list, when
 * a test asks for one with `recentWorkspaces`, and the self-signed certificate) is a fresh temp folder unless a test
 * names one, so no test reads or writes the developer's (or another test file's).
 */
export async function startTestEngine(options: MockServerOptions = {}): Promise<MockServer> {
  const ownConfigDir = options.workspaceOptions?.configDir
    ? undefined
    : await mkdtemp(join(tmpdir(), 'agui-test-config-'));
  const removeConfigDir = () => (ownConfigDir ? rm(ownConfigDir, { recursive: true, force: true }) : undefined);
  const server = await startMockServer({
    port: 0,
    logger: silentLogger,
    ...options,
    settings: { speed: 0, ...options.settings },
    workspaceOptions: { ...(ownConfigDir && { configDir: ownConfigDir }), ...options.workspaceOptions },
  }).catch(async (error: unknown) => {
    await removeConfigDir();
    throw error;
  });
  after(async () => {
    await server.close();
    await removeConfigDir();
  });
  return server;
}
