export type { EngineContext } from './engine-context';
export {
  HostUnavailableError,
  type MockServer,
  type MockServerOptions,
  PortInUseError,
  startMockServer,
} from './mock-server';
export { MockServerOptionsError } from './mock-server-options';
export { tuneEngineGc } from './support/engine-heap';
export { consoleLogger, type Logger, silentLogger } from './support/logger';
export { TlsError } from './tls/tls-error';
export { WorkspaceError } from './workspace/workspace-error';
