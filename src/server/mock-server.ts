import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerSettings, ServerSettingsSchema } from '../shared/settings';
import { agoraProfile } from './contract/agora/agora-profile';
import { consoleArea } from './control/console-area';
import type { EngineContext } from './engine-context';
import { createHttpApp } from './http/app';
import { RequestLog } from './http/request-log';
import { AgoraStore } from './state/agora-store';
import { consoleLogger, type Logger } from './support/logger';
import { rendererBuildDir } from './support/package-root';
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
  let settings = ServerSettingsSchema.parse(options.settings ?? {});
  let origin = '';

  const requestLog = new RequestLog({ capacity: settings.requestLogSize, bodyBytes: settings.logBodyBytes });
  const registry = new ConnectionRegistry(settings.frameBufferSize);
  const context: EngineContext = {
    logger,
    settings: () => settings,
    origin: () => origin,
    registry,
    requestLog,
    store: new AgoraStore({ logger }),
  };
  const profile = agoraProfile(context);
  const app = createHttpApp({
    logger,
    requestLog,
    consoleArea: consoleArea(options.rendererDir ?? rendererBuildDir()),
    apiRouters: profile.routers,
  });
  const server = createServer(app.callback());
  server.on('clientError', (error, socket) => {
    // Malformed HTTP (not JSON, the request line itself): answer 400 instead of dropping silently.
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    logger.warn(`bad HTTP request: ${error.message}`);
  });
  const sockets = new SocketServer(server, {
    maxPayloadBytes: settings.maxPayloadBytes,
    heartbeatIntervalMs: settings.heartbeatIntervalMs,
    logger,
  });
  for (const endpoint of profile.socketEndpoints) sockets.register(endpoint);

  await listen(server, requestedPort, host).catch(async (error: NodeJS.ErrnoException) => {
    await sockets.close();
    profile.close();
    throw error.code === 'EADDRINUSE' ? new PortInUseError(requestedPort) : error;
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${displayHost(host)}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: origin,
    wsUrl: `${origin.replace(/^http/, 'ws')}/ws`,
    consoleUrl: `${origin}/__console/#token=${token}`,
    host,
    port,
    token,
    context,
    settings: () => settings,
    updateSettings(patch) {
      settings = ServerSettingsSchema.parse({ ...settings, ...patch });
      sockets.setMaxPayload(settings.maxPayloadBytes);
      sockets.setHeartbeatInterval(settings.heartbeatIntervalMs);
      registry.setFrameBufferSize(settings.frameBufferSize);
      requestLog.configure({ capacity: settings.requestLogSize, bodyBytes: settings.logBodyBytes });
      return settings;
    },
    close() {
      closing ??= (async () => {
        profile.close();
        await sockets.close();
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
