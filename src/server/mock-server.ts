import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import type { EndpointInfo, ServerInfo, TlsInfo } from '../shared/control-api';
import type { AgentHttpOptions } from './agents/agent-http-endpoint';
import { isConsoleTarget } from './control/console-area';
import { createControlPlane } from './control/control-plane';
import type { LiveFeedOptions } from './control/live-feed';
import { checkPackDataRoom } from './control/routes/workspace-room';
import type { EngineContext, EngineCore } from './engine-context';
import { EngineSettings } from './engine-settings';
import { ApiKeyGate } from './gateway/api-key-gate';
import { HostUnavailableError, isHostProblem } from './host-unavailable-error';
import { createHttpApp } from './http/app';
import { ConnectionLimit } from './http/connection-limit';
import { applyHttpTimeouts, createHttpServer } from './http/http-server';
import { RequestLog } from './http/request-log';
import type { MockServer as PublicMockServer, MockServerOptions as PublicMockServerOptions } from './mock-server-api';
import { checkMockServerOptions, checkSettingsPatch, MockServerOptionsError } from './mock-server-options';
import { SavedPayloads } from './payloads/saved-payloads';
import { PortInUseError } from './port-in-use-error';
import { ScenarioCatalogue } from './scenarios/scenario-catalogue';
import { consoleLogger } from './support/logger';
import { packageVersion, rendererBuildDir } from './support/package-root';
import { RetentionBudget } from './support/retention-budget';
import { certificateWarnings } from './tls/certificate-warnings';
import { loadTlsSetting, rebasedTlsSetting, tlsFilesProblemSync } from './tls/tls-setting';
import { defaultConfigDir } from './workspace/recent-workspaces';
import { WorkspaceService, type WorkspaceServiceOptions } from './workspace/workspace-service';
import { World } from './world/world';
import { ConnectionRegistry } from './ws/connection-registry';
import { SocketServer } from './ws/socket-server';

export { HostUnavailableError, PortInUseError };

/** The public options (./mock-server-api), and the engine's own tuning for the desktop app and tests. */
export interface MockServerOptions extends PublicMockServerOptions {
  /** Folder of the built console; defaults to `out/renderer` of this package. */
  rendererDir?: string;
  /** Tuning of the console's live feed (batching, per-subscriber caps). */
  liveFeed?: Partial<LiveFeedOptions>;
  /** Workspace tuning: config folder for the recent list, autosave delay, fault injection in tests. */
  workspaceOptions?: Partial<WorkspaceServiceOptions>;
  /** Tuning of the agents' HTTP binding: keep-alive interval, threads kept between requests. */
  agentHttp?: Partial<AgentHttpOptions>;
}

/** The public face (./mock-server-api), and the engine's insides the CLI and the desktop app work with. */
export interface MockServer extends PublicMockServer {
  readonly context: EngineContext;
  /** The workspace file behind the world (status, save, open). */
  readonly workspace: WorkspaceService;
}

export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  checkMockServerOptions(options);
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
  const core: EngineCore = {
    logger,
    settings: () => liveSettings.get(),
    liveSettings,
    origin: () => origin,
    registry,
    gateway: new ApiKeyGate(() => liveSettings.get().gatewayAuth),
    requestLog,
    retention,
    scenarios: new ScenarioCatalogue(),
    payloads: new SavedPayloads({ maxJsonDepth: () => liveSettings.get().maxJsonDepth }),
  };
  // The workspace service is made next, and only asked per request.
  const world = new World(core, {
    agentHttp: options.agentHttp,
    workspaceFile: () => workspace.filePath(),
    isWorkspaceFileVersion: (file, stats) => workspace.isFileVersion(file, stats),
    checkPackData: (pack, data) => checkPackDataRoom(workspace, pack, data),
  });
  const context: EngineContext = { ...core, world };
  const workspace = new WorkspaceService(context, {
    launchSettings: options.settings,
    ...options.workspaceOptions,
    recentWorkspaces: options.recentWorkspaces === true,
  });
  const startedAt = Date.now();
  let startupSettings: ServerInfo['startupSettings'] = { tls: settings.tls };
  /** The folder the start read the certificate's files from; the workspace's may have moved since (save as). */
  let startupFolder = process.cwd();
  let tlsInfo: TlsInfo | null = null;
  /** The setting the engine started with, as the workspace's folder reads it: the same files read the same. */
  const startupTls = () => rebasedTlsSetting(startupSettings.tls, startupFolder, workspace.servingFolder());
  // Read synchronously, and only while a changed file setting waits for a restart (rare): two small bounded files.
  const pendingTlsProblem = () => {
    const { tls } = liveSettings.get();
    if (isDeepStrictEqual(tls, startupTls())) return null;
    return tlsFilesProblemSync(tls, workspace.servingFolder()) ?? null;
  };
  const wsOrigin = () => origin.replace(/^http/, 'ws');
  const endpointUrl = (base: string, path: string) => (isPlainPath(path) ? `${base}${path}` : null);
  const endpoints = (): ServerInfo['endpoints'] => ({
    sockets: world.socketDefinitions().map(({ definition, pack }) => ({
      id: definition.id,
      ...(definition.name !== undefined && { name: definition.name }),
      path: definition.path,
      url: endpointUrl(wsOrigin(), definition.path),
      ...(pack !== undefined && { pack }),
    })),
    agents: world.agentDefinitions().map((agent) => ({
      id: agent.id,
      ...(agent.name !== undefined && { name: agent.name }),
      path: agent.path,
      url: endpointUrl(origin, agent.path),
    })),
  });
  const firstUrl = (list: EndpointInfo[]) => list.find((endpoint) => endpoint.url !== null)?.url ?? null;
  const control = createControlPlane(
    {
      context,
      token,
      host,
      runScenario: (connectionId, scenarioId) => world.playScenario(connectionId, scenarioId),
      workspace,
      serverInfo: () => {
        const served = endpoints();
        const definitions = world.definitions();
        return {
          name: 'AG-UI Mock Console',
          version: packageVersion(),
          packs: world.packs().map((pack) => pack.definition.name),
          urls: {
            http: origin,
            ws: firstUrl(served.sockets),
            console: `${origin}/__console/`,
            agent: firstUrl(served.agents),
          },
          endpoints: served,
          settings: liveSettings.get(),
          // As the workspace's folder reads it, as the live setting is written: the same files read the same.
          startupSettings: { tls: startupTls() },
          pendingTlsProblem: pendingTlsProblem(),
          tls: tlsInfo,
          // The console may remove a launch key for this launch: only those still among the keys are in force.
          launchApiKeys: (options.settings?.gatewayAuth?.keys ?? []).filter((key) =>
            liveSettings.get().gatewayAuth.keys.includes(key),
          ),
          startedAt,
          uptimeMs: Date.now() - startedAt,
          counts: {
            ...Object.assign({}, ...world.packs().map((pack) => pack.counts())),
            openConnections: registry.openCount,
            connections: registry.list().length,
            requests: requestLog.size,
            routes: definitions.routes.length,
            collections: definitions.collections.length,
            scenarios: core.scenarios.list().length,
          },
          retention: retention.stats(),
          connectionLimit: connectionLimit.stats(),
        };
      },
    },
    options.rendererDir ?? rendererBuildDir(),
    options.liveFeed,
  );
  const app = createHttpApp({
    logger,
    requestLog,
    consoleArea: control.middleware,
    gateway: core.gateway,
    mounts: world.middleware(),
    explainMiss: (ctx) => world.explain(ctx),
  });
  liveSettings.subscribe((next) => {
    retention.setLimit(next.retainedMemoryBytes);
    registry.setFrameBufferSize(next.frameBufferSize);
    requestLog.configure({ capacity: next.requestLogSize, bodyBytes: next.logBodyBytes });
  });

  const stopBeforeListening = async (sockets?: SocketServer) => {
    control.close();
    await workspace.close();
    world.close();
    await sockets?.close();
  };
  // The world and its settings first: whether the port speaks TLS, and with which certificate, is one of them.
  let tls: Awaited<ReturnType<typeof loadTlsSetting>>;
  try {
    if (options.workspace) await workspace.attach(options.workspace, { createIfMissing: options.template ?? 'agora' });
    else workspace.startWith(options.template ?? 'agora');
    startupSettings = { tls: liveSettings.get().tls };
    startupFolder = workspace.servingFolder();
    tls = await loadTlsSetting(startupSettings.tls, {
      baseDir: startupFolder,
      configDir: options.workspaceOptions?.configDir ?? defaultConfigDir(),
      logger,
    });
  } catch (error) {
    await stopBeforeListening();
    throw error;
  }
  // Made with the settings as loaded, then kept in step with them.
  const loaded = liveSettings.get();
  const connectionLimit = new ConnectionLimit(loaded.maxConnections, logger, isConsoleTarget);
  let server: ReturnType<typeof createHttpServer>;
  try {
    server = createHttpServer(app.callback(), loaded, logger, connectionLimit, tls ?? undefined);
  } catch (error) {
    // What OpenSSL still refuses in the checked pair: the workspace and its watcher stop as for any failed start.
    connectionLimit.close();
    await stopBeforeListening();
    throw error;
  }
  const sockets = new SocketServer(server, {
    maxPayloadBytes: loaded.maxPayloadBytes,
    heartbeatIntervalMs: loaded.heartbeatIntervalMs,
    logger,
    connectionLimit,
  });
  for (const endpoint of control.socketEndpoints) sockets.register(endpoint);
  sockets.setResolver((path) => world.resolveSocket(path));
  liveSettings.subscribe((next) => {
    sockets.setMaxPayload(next.maxPayloadBytes);
    sockets.setHeartbeatInterval(next.heartbeatIntervalMs);
    applyHttpTimeouts(server, next);
    connectionLimit.setMax(next.maxConnections);
  });
  await listen(server, requestedPort, host).catch(async (error: NodeJS.ErrnoException) => {
    await stopBeforeListening(sockets);
    if (error.code === 'EADDRINUSE') throw new PortInUseError(requestedPort);
    // An address not on this machine, a name that does not resolve: the option is the mistake, so say which.
    if (isHostProblem(error.code)) throw new HostUnavailableError(host, error.code as string);
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  origin = `${tls ? 'https' : 'http'}://${displayHost(host)}:${port}`;
  if (tls) {
    tlsInfo = tls.info;
    for (const warning of certificateWarnings(tls, origin)) logger.warn(warning);
  }

  let closing: Promise<void> | undefined;
  return {
    url: origin,
    get wsUrl() {
      return firstUrl(endpoints().sockets) ?? wsOrigin();
    },
    consoleUrl: `${origin}/__console/#token=${token}`,
    host,
    port,
    token,
    tls: tlsInfo,
    context,
    workspace,
    settings: () => liveSettings.get(),
    updateSettings(patch) {
      // Nothing would apply or save a change any more: a helper re-configuring a shared mock learns it is gone.
      if (closing) throw new Error('updateSettings: the server is closed (close() was called); start a new one');
      checkSettingsPatch(patch);
      // Files a start could not serve with are refused now, as the control API refuses them: stored, they would
      // be saved into the workspace and stop its next start.
      const tlsProblem = patch.tls && tlsFilesProblemSync(patch.tls, workspace.servingFolder());
      if (tlsProblem) throw new MockServerOptionsError('updateSettings', [`tls: ${tlsProblem}`]);
      return liveSettings.update(patch);
    },
    close() {
      closing ??= (async () => {
        control.close();
        connectionLimit.close();
        await sockets.close();
        world.endAgentStreams();
        // After the sockets and the streams, so what their last runs recorded is in the final save; before the
        // world stops, so the save still reads every pack's data.
        await workspace.close();
        world.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
          // What Node's leaves: HTTPS connections whose TLS handshake is not done.
          connectionLimit.destroyOpen();
        });
      })();
      return closing;
    },
  };
}

/** A path clients can be pointed at as it is: no parameters, wildcards or optional parts. */
function isPlainPath(path: string): boolean {
  return !/[:*{}()]/.test(path);
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
