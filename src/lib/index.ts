// `import { startMockServer } from 'agui-mock'`: the npm package's library, for test runners (Playwright, Vitest,
// node:test) that start a mock per test file, drive it through the control API and close it
// (docs/testing-with-agui-mock.md). Its types name only the engine's public face and src/shared, so the
// package's declarations stand alone (scripts/build-declarations.mjs).
import { startMockServer as startEngine } from '../server/mock-server';
import type { MockServer, MockServerOptions } from '../server/mock-server-api';

export { HostUnavailableError } from '../server/host-unavailable-error';
export type { MockServer, MockServerOptions } from '../server/mock-server-api';
export { MockServerOptionsError } from '../server/mock-server-options';
export { PortInUseError } from '../server/port-in-use-error';
export { consoleLogger, type Logger, silentLogger } from '../server/support/logger';
export { TlsError } from '../server/tls/tls-error';
export { WorkspaceError, type WorkspaceErrorReason } from '../server/workspace/workspace-error';
// What the control API (`/__console/api/…`) and the live feed send and accept.
export type { AgoraData, HistoryMessage, Preferences, StoredSession, User } from '../shared/agora-model';
export type {
  ConnectionKind,
  ConnectionState,
  ConnectionSummary,
  FrameDirection,
  FrameRecord,
} from '../shared/connections';
export type {
  ClearedConnections,
  ConsoleUser,
  EndpointInfo,
  FeedClientMessage,
  FeedServerMessage,
  InjectConflict,
  InjectResult,
  ItemsPage,
  MacroName,
  MacroParams,
  SequenceFinding,
  ServerInfo,
  StreamContext,
  TlsInfo,
} from '../shared/control-api';
export type { JsonObject, JsonValue } from '../shared/json-value';
export type { Agent } from '../shared/mounts/agent';
export type { Collection, CollectionInput } from '../shared/mounts/collection';
export type { Pack } from '../shared/mounts/pack';
export type { Route, RouteInput } from '../shared/mounts/route';
export type { SocketEndpoint } from '../shared/mounts/socket-endpoint';
export type { StaticFolder } from '../shared/mounts/static-folder';
export type { RecordingResult, RecordScenarioRequest } from '../shared/recording';
export type { RequestLogEntry, RequestLogPage, RequestSummary } from '../shared/request-log';
export type { SavedPayload } from '../shared/saved-payload';
export type { Scenario, ScenarioInput, ScenarioStep, ScenarioTrigger } from '../shared/scenario';
export type { ServerSettings } from '../shared/settings';
export type {
  Workspace,
  WorkspaceInput,
  WorkspaceStatus,
  WorkspaceTemplate,
  WorldSection,
} from '../shared/workspace';

/**
 * Starts a mock backend and its console on one port (`port: 0` picks a free one) and resolves once it listens.
 * Give each test file its own `workspace` file (created from `template` when missing) and `close()` it after.
 * Rejects with `PortInUseError` for a busy port, `HostUnavailableError` for a host not on this machine (or a name
 * that does not resolve), `WorkspaceError` for a workspace file that is not valid and
 * `TlsError` for a certificate that cannot be served.
 */
export const startMockServer: (options?: MockServerOptions) => Promise<MockServer> = startEngine;
