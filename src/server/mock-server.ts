import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerSettings } from '../shared/settings';
import { agoraProfile } from './contract/agora/agora-profile';
import { type AgentHttpOptions, agentHttpEndpoint } from './contract/agui-http/agent-http-endpoint';
import { createControlPlane } from './control/control-plane';
import type { LiveFeedOptions } from './control/live-feed';
import type { EngineContext } from './engine-context';
import { EngineSettings } from './engine-settings';
import { createHttpApp } from './http/app';
import { applyHttpTimeouts, createHttpServer } from './http/http-server';
import { RequestLog } from './http/request-log';
import { SavedPayloads } from './payloads/saved-payloads';
import { agoraScenarioPack } from './scenarios/agora/agora-scenario-pack';
import { ScenarioCatalogue } from './scenarios/scenario-catalogue';
import { AgoraStore } from './state/agora-store';
import { consoleLogger, type Logger } from './support/logger';
import { packageVersion, rendererBuildDir } from './support/package-root';
import { RetentionBudget } from './support/retention-budget';
import { WorkspaceService, type WorkspaceServiceOptions } from './workspace/workspace-service';
import { ConnectionRegistry } from './ws/connection-registry';
import { SocketServer } from './ws/socket-server';

export interface MockServerOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 picks a free one. Default 8000. */
  port?: number;
  /** Console token; random per launch when omitted. */
  token?: string;
  settings?: Partial<ServerSettings>;
  logger?: Logger;
  /** Folder of the built console; defaults to `out/renderer` of this package. */
  rendererDir?: string;
  /** Tuning of the console's live feed (batching, per-subscriber caps). */
  liveFeed?: Partial<LiveFeedOptions>;
  /**
   * A workspace file to load before listening (created from the AGORA template when missing), autosaved after
   * changes and on close. `settings` above then override the file's settings without being written into it.
   * A file that cannot be read or validated makes the start fail with a `WorkspaceError`.
   */
  workspace?: string;
  /** Workspace tuning: config folder for the recent list, autosave delay, fault injection in tests. */
  workspaceOptions?: Partial<WorkspaceServiceOptions>;
  /** Tuning of the AG-UI HTTP endpoint: keep-alive interval, threads kept between requests. */
  agentHttp?: Partial<AgentHttpOptions>;
}

export interface MockServer {
  /** `http://host:port` */
  readonly url: string;
  /** `ws://host:port/ws` */
  readonly wsUrl: string;
  /** The console with its token in the fragment (never sent to the server in a request line). */
  readonly consoleUrl: string;
  readonly host: string;
  readonly port: number;
  readonly token: string;
  settings(): ServerSettings;
  updateSettings(patch: Partial<ServerSettings>): ServerSettings;
  readonly context: EngineContext;
  /** The workspace file behind the world (status, save, open). */
  readonly workspace: WorkspaceService;
  /** Closes every socket with 1001, stops every timer and the listener. Safe to call twice. */
  close(): Promise<void>;
}

/** Raised when the port is taken, so callers can say so in one line. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is in use`);
    this.name = 'PortInUseError';
  }
}

export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 8000;
  const token = options.token ?? randomBytes(24).toString('base64url');
  const logger = options.logger ?? consoleLogger;
  const liveSettings = new EngineSettings(options.settings);
  const settings = liveSettings.get();
  let origin = '';

  const retention = new RetentionBudget(settings.retainedMemoryBytes);
  const requestLog = new RequestLog({ capacity: settings.requestLogSize, bodyBytes: settings.logBodyBytes }, retention);
  const registry = new ConnectionRegistry(settings.frameBufferSize, retention);
  const context: EngineContext = {
    logger,
    settings: () => liveSettings.get(),
    liveSettings,
    origin: () => origin,
    registry,
    requestLog,
    retention,
    store: new AgoraStore({ logger, historyLimits: () => liveSettings.get() }),
    scenarios: new ScenarioCatalogue(agoraScenarioPack),
    payloads: new SavedPayloads({ maxJsonDepth: () => liveSettings.get().maxJsonDepth }),
  };
  const workspace = new WorkspaceService(context, { launchSettings: options.settings, ...options.workspaceOptions });
  const profile = agoraProfile(context);
  const agentHttp = agentHttpEndpoint(context, options.agentHttp);
  const startedAt = Date.now();
  const control = createControlPlane(
    {
      context,
      token,
      host,
      runScenario: (connectionId, scenarioId) => profile.runScenario(connectionId, scenarioId),
      workspace,
      serverInfo: () => ({
        name: 'AG-UI Mock Console',
        version: packageVersion(),
        profile: profile.name,
        urls: {
          http: origin,
          ws: `${wsOrigin()}/ws`,
          console: `${origin}/__console/`,
          agent: `${origin}${liveSettings.get().agentPath}`,
        },
        settings: liveSettings.get(),
        startedAt,
        uptimeMs: Date.now() - startedAt,
        counts: {
          openConnections: registry.openCount,
          connections: registry.list().length,
          requests: requestLog.size,
          users: context.store.listUsers({ limit: 1, offset: 0 }).totalCount,
          sessions: context.store.listAllSessions().length,
          scenarios: context.scenarios.list().length,
        },
        retention: retention.stats(),
      }),
    },
    options.rendererDir ?? rendererBuildDir(),
    options.liveFeed,
  );
  const wsOrigin = () => origin.replace(/^http/, 'ws');
  const app = createHttpApp({
    logger,
    requestLog,
    consoleArea: control.middleware,
    apiRouters: [...profile.routers, agentHttp.router],
  });
  const server = createHttpServer(app.callback(), settings, logger);
  const sockets = new SocketServer(server, {
    maxPayloadBytes: settings.maxPayloadBytes,
    heartbeatIntervalMs: settings.heartbeatIntervalMs,
    logger,
  });
  for (const endpoint of [...profile.socketEndpoints, ...control.socketEndpoints]) sockets.register(endpoint);
  liveSettings.subscribe((next) => {
    sockets.setMaxPayload(next.maxPayloadBytes);
    sockets.setHeartbeatInterval(next.heartbeatIntervalMs);
    retention.setLimit(next.retainedMemoryBytes);
    registry.setFrameBufferSize(next.frameBufferSize);
    requestLog.configure({ capacity: next.requestLogSize, bodyBytes: next.logBodyBytes });
    applyHttpTimeouts(server, next);
  });

  const stopBeforeListening = async () => {
    control.close();
    profile.close();
    agentHttp.close();
    await workspace.close();
    await sockets.close();
  };
  // Loaded once everything that applies settings is subscribed, so the file's settings reach every part.
  if (options.workspace) {
    await workspace.attach(options.workspace, { createIfMissing: 'agora' }).catch(async (error: unknown) => {
      await stopBeforeListening();
      throw error;
    });
  }
  await listen(server, requestedPort, host).catch(async (error: NodeJS.ErrnoException) => {
    await stopBeforeListening();
    throw error.code === 'EADDRINUSE' ? new PortInUseError(requestedPort) : error;
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${displayHost(host)}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: origin,
    wsUrl: `${wsOrigin()}/ws`,
    consoleUrl: `${origin}/__console/#token=${token}`,
    host,
    port,
    token,
    context,
    workspace,
    settings: () => liveSettings.get(),
    updateSettings: (patch) => liveSettings.update(patch),
    close() {
      closing ??= (async () => {
        control.close();
        profile.close();
        agentHttp.close();
        await sockets.close();
        // After the sockets, so what their last runs recorded is in the final save.
        await workspace.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** A listening address as it goes in a URL: wildcard hosts become loopback, IPv6 gets brackets. */
function displayHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
