import { after } from 'node:test';
import { type MockServer, type MockServerOptions, silentLogger, startMockServer } from '../../src/server/index';

/**
 * Starts a real engine on a free loopback port for the current test file and closes it after.
 * Scenario delays are off (speed 0) unless a test asks otherwise.
 */
export async function startTestEngine(options: MockServerOptions = {}): Promise<MockServer> {
  const server = await startMockServer({
    port: 0,
    logger: silentLogger,
    ...options,
    settings: { speed: 0, ...options.settings },
  });
  after(() => server.close());
  return server;
}
