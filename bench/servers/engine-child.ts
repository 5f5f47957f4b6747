import { silentLogger, startMockServer } from '../../src/server/index';
import { serveAsChild } from '../child-protocol';

export interface EngineChildPayload {
  /** Scenario speed: 0 plays runs without waiting, 1 on their scripted timeline. */
  speed: number;
}

/** Server under test: the real engine with a silent logger; its request log is always on. */
serveAsChild(async (payload) => {
  const { speed } = payload as EngineChildPayload;
  const server = await startMockServer({ port: 0, logger: silentLogger, settings: { speed } });
  return { url: server.url, token: server.token, stop: () => server.close() };
});
