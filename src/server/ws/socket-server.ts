import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServerOptions, WebSocket, WebSocketServer } from 'ws';
import { afterPendingResponses } from '../http/after-pending-responses';
import type { ConnectionLimit } from '../http/connection-limit';
import { rawHttpResponse } from '../http/raw-http-response';
import { isClientGone } from '../support/client-gone';
import { loadModule } from '../support/load-module';
import type { Logger } from '../support/logger';
import { Heartbeat } from './heartbeat';
import { askedSubprotocols } from './subprotocol-header';
import { upgradePath } from './upgrade-path';

/** Sockets the engine closed because it is shutting down (their sessions record that, not a client gone). */
const closedForShutdown = new WeakSet<WebSocket>();

/** Whether the engine closed `socket` because it is shutting down. */
export function isClosedForShutdown(socket: WebSocket): boolean {
  return closedForShutdown.has(socket);
}

/** How the engine's shutdown closes a socket whose endpoint says so (`closeOnShutdownWith`); else ws's own close. */
const shutdownClosers = new WeakMap<WebSocket, (code: number, reason: string) => void>();

/**
 * Closes `socket` with `close` when the engine shuts down: through its connection, so what it says before a close
 * (an AG-UI run's RUN_ERROR) goes out ahead of the close frame.
 */
export function closeOnShutdownWith(socket: WebSocket, close: (code: number, reason: string) => void): void {
  shutdownClosers.set(socket, close);
}

/** A WebSocket endpoint served by the engine (the console's live feed, the world's sockets…). */
export interface SocketEndpoint {
  /** Its path (a pattern for the world's sockets), for logs. */
  path: string;
  /** Subprotocols offered, in order of preference: the first the client also asks for is chosen. */
  protocols?: readonly string[];
  /** Refuses the upgrade before the handshake: return the HTTP status and message to answer with. */
  refuse?(request: IncomingMessage): UpgradeRefusal | undefined;
  /** `stream`: the TCP (or TLS) stream under the socket, for a transport that writes ws's frames itself. */
  accept(socket: WebSocket, request: IncomingMessage, stream: Duplex): void;
}

/** The HTTP answer to an upgrade the engine does not take (its body FastAPI's `{"detail": message}`). */
export interface UpgradeRefusal {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

export interface SocketServerOptions {
  maxPayloadBytes: number;
  heartbeatIntervalMs: number;
  logger: Logger;
  /** Refuses (503) an upgrade on a connection let in over the engine's limit, unless the limit serves it. */
  connectionLimit?: Pick<ConnectionLimit, 'refuses' | 'refusalMessage'>;
}

/** ws's option (8.19+) that @types/ws does not declare yet: 0 turns its count of unwritten pongs off. */
interface PingFloodOption {
  maxPendingAutoPongs: number;
}

/** Frames one client message may come in (ws's default, set here so what the console says about it holds). */
export const MAX_MESSAGE_FRAGMENTS = 16 * 1024;

/** Finds the endpoint for a path that no fixed endpoint has (the world's sockets, in their order). */
export type SocketResolver = (path: string) => SocketEndpoint | undefined;

/**
 * WebSockets on the HTTP server's port: `ws` in noServer mode, routed by path in the `upgrade` event — the engine's
 * own fixed paths first (the console's feed), then the resolver. An upgrade the engine does not take (an unknown
 * path, a subprotocol the endpoint does not serve, a malformed handshake) gets a raw HTTP error, is logged, and its
 * socket is destroyed.
 */
export class SocketServer {
  private readonly wss: WebSocketServer;
  private readonly endpoints = new Map<string, SocketEndpoint>();
  private resolve: SocketResolver = () => undefined;
  /** The endpoint each upgrade is going to, for the subprotocol choice ws asks for during the handshake. */
  private readonly upgrading = new WeakMap<IncomingMessage, SocketEndpoint>();
  private readonly heartbeat: Heartbeat;
  private readonly logger: Logger;
  private readonly connectionLimit: SocketServerOptions['connectionLimit'];
  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    this.upgrade(request, socket, head);

  constructor(
    private readonly server: Server,
    options: SocketServerOptions,
  ) {
    this.logger = options.logger;
    this.connectionLimit = options.connectionLimit;
    const wsOptions: ServerOptions & PingFloodOption = {
      noServer: true,
      // ws (8.19+) drops a socket with 60 pongs not yet written as a ping flood: a bare 1006, no reason, and a
      // burst of 61 pings from a client that reads its pongs is dropped too. Each endpoint bounds the bytes
      // instead, as it bounds every frame a client does not read (`Connection.pinged`, the live feed's own).
      maxPendingAutoPongs: 0,
      // Past it ws closes with 1008; each fragment costs a buffer, however small.
      maxFragments: MAX_MESSAGE_FRAGMENTS,
      maxPayload: options.maxPayloadBytes,
      // Uncompressed, as ws's default: connections write ws's plain frames themselves (`TextFrameBatch`).
      perMessageDeflate: false,
      clientTracking: true,
      handleProtocols: (offered, request) => {
        const wanted = this.upgrading.get(request)?.protocols ?? [];
        return wanted.find((protocol) => offered.has(protocol)) ?? false;
      },
    };
    // ws loaded with the first engine that serves sockets, not with the modules: `agui-mock validate` and `init`
    // check worlds with these modules and never open a socket (an ES import of ws costs them ~20 ms of CPU).
    const ws = loadModule('ws') as typeof import('ws');
    this.wss = new ws.WebSocketServer(wsOptions);
    // ws would answer a handshake it refuses (wrong method, missing key…) with an HTML page: answer like every
    // other refusal here, in FastAPI's shape.
    this.wss.on('wsClientError', (error: Error, socket: Duplex, request: IncomingMessage) =>
      this.refuseUpgrade(socket, request, handshakeRefusal(error, request)),
    );
    this.heartbeat = new Heartbeat(options.heartbeatIntervalMs);
    server.on('upgrade', this.onUpgrade);
  }

  /** An endpoint at a fixed path, before anything the resolver knows. */
  register(endpoint: SocketEndpoint): void {
    this.endpoints.set(endpoint.path, endpoint);
  }

  /** Where paths no fixed endpoint has are looked up (the world's socket table; replaced when it changes). */
  setResolver(resolve: SocketResolver): void {
    this.resolve = resolve;
  }

  /** Applies to sockets opened from now on (ws fixes the limit per socket when it opens). */
  setMaxPayload(bytes: number): void {
    this.wss.options.maxPayload = bytes;
  }

  setHeartbeatInterval(ms: number): void {
    this.heartbeat.setInterval(ms);
  }

  get socketCount(): number {
    return this.wss.clients.size;
  }

  /** Closes every socket with 1001 and waits (bounded) for the closing handshakes. */
  async close(timeoutMs = 2000): Promise<void> {
    this.server.off('upgrade', this.onUpgrade);
    this.heartbeat.stop();
    const sockets = [...this.wss.clients];
    for (const socket of sockets) closedForShutdown.add(socket);
    const closed = sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === socket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          const close = shutdownClosers.get(socket) ?? ((code, reason) => socket.close(code, reason));
          close(1001, 'Server shutting down');
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (error) => {
      if (!isClientGone(error)) this.logger.warn(`upgrade socket error: ${error.message}`);
    });
    afterPendingResponses(socket, () => this.take(request, socket, head));
  }

  /** Answers the upgrade, once the answers to the requests before it on its connection have gone out. */
  private take(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = upgradePath(request);
    const own = this.endpoints.get(path);
    // Over the limit only the engine's own endpoints (the console's live feed) are served: a mocked socket whose path
    // takes `/__console/…` too (a catch-all `/{*path}`) would fill the console's reserve.
    if (this.connectionLimit?.refuses(request, own !== undefined)) {
      // Counted and summed up in the log by the limit: one warning per refusal would flood it.
      this.refuseUpgrade(socket, request, { status: 503, message: this.connectionLimit.refusalMessage }, false);
      return;
    }
    const endpoint = own ?? this.resolve(path);
    if (!endpoint) {
      this.refuseUpgrade(socket, request, { status: 404, message: 'Not Found' });
      return;
    }
    const refusal =
      this.refusalOf(endpoint, request) ?? subprotocolRefusal(endpoint, request) ?? draftVersionRefusal(request);
    if (refusal) {
      this.refuseUpgrade(socket, request, refusal);
      return;
    }
    this.upgrading.set(request, endpoint);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      // Without a listener an oversize frame (ws closes with 1009) would throw and kill the process.
      ws.on('error', (error) => this.logger.warn(`WebSocket ${endpoint.path}: ${error.message}`));
      this.heartbeat.track(ws);
      // An endpoint's bug must not reach the process's uncaught-exception handler (the desktop app's dialog).
      try {
        endpoint.accept(ws, request, socket);
      } catch (error) {
        this.logger.error(`WebSocket ${endpoint.path}: accepting a socket failed`, error);
        ws.close(1011, 'Internal error');
      }
    });
  }

  /**
   * Answers an upgrade the engine does not take, and says so in the log unless told not to (the client may not
   * show the answer).
   */
  private refuseUpgrade(
    socket: Duplex,
    request: IncomingMessage,
    { status, message, headers }: UpgradeRefusal,
    log = true,
  ): void {
    if (log) this.logger.warn(`WebSocket upgrade ${upgradePath(request)} refused (${status}): ${message}`);
    socket.once('finish', () => socket.destroy());
    socket.end(rawHttpResponse(status, message, headers));
  }

  private refusalOf(endpoint: SocketEndpoint, request: IncomingMessage): UpgradeRefusal | undefined {
    try {
      return endpoint.refuse?.(request);
    } catch (error) {
      this.logger.error(`WebSocket ${endpoint.path}: checking an upgrade failed`, error);
      return { status: 500, message: 'Internal Server Error' };
    }
  }
}

/**
 * Refuses a client that asks only for subprotocols the endpoint does not serve: ws would answer 101 without one,
 * and a client that asked for one (a browser, `ws`) then drops the connection without a word. A client that asks
 * for none, or an endpoint that lists none, is let in as before. A header that is not a list of subprotocol names is
 * a malformed handshake, whatever the endpoint serves: said so, with what is wrong, rather than as names not served.
 */
function subprotocolRefusal(endpoint: SocketEndpoint, request: IncomingMessage): UpgradeRefusal | undefined {
  const header = request.headers['sec-websocket-protocol'];
  if (header === undefined) return undefined;
  const parsed = askedSubprotocols(header);
  if ('problem' in parsed) {
    const problem = `${parsed.problem.charAt(0).toLowerCase()}${parsed.problem.slice(1)}`;
    return {
      status: 400,
      message:
        `Invalid Sec-WebSocket-Protocol header ${JSON.stringify(header)}: ${problem}. ` +
        'Send subprotocol names separated by commas ("agui.v1, agui.v0"): no spaces inside a name, no empty ' +
        'entries, none twice (RFC 6455 §4.1).',
    };
  }
  const served = endpoint.protocols ?? [];
  if (served.length === 0 || parsed.asked.some((protocol) => served.includes(protocol))) return undefined;
  return {
    status: 400,
    message:
      `Unsupported subprotocol: the client asked for ${parsed.asked.join(', ')}; this endpoint serves ${served.join(', ')}. ` +
      'Ask for one of them in Sec-WebSocket-Protocol, or for none.',
  };
}

/**
 * What to answer a handshake ws refuses (it names the problem only in its error's message): 405 for a method
 * other than GET, 426 with the version spoken for a version other than 13 (RFC 6455 §4.4), else 400.
 */
function handshakeRefusal(error: Error, request: IncomingMessage): UpgradeRefusal {
  if (error.message === 'Invalid HTTP method')
    return {
      status: 405,
      message: `Invalid HTTP method ${request.method}: a WebSocket handshake is a GET request (RFC 6455 §4.1)`,
      headers: { Allow: 'GET' },
    };
  if (error.message === 'Missing or invalid Sec-WebSocket-Version header') {
    const version = request.headers['sec-websocket-version'];
    return version === undefined
      ? { status: 400, message: 'Missing Sec-WebSocket-Version header: send 13 (RFC 6455)', headers: VERSION_SPOKEN }
      : versionRefusal(version);
  }
  return { status: 400, message: error.message };
}

const VERSION_SPOKEN = { 'Sec-WebSocket-Version': '13' };

function versionRefusal(version: string): UpgradeRefusal {
  return {
    status: 426,
    message: `Unsupported Sec-WebSocket-Version ${version}: this server speaks version 13 (RFC 6455)`,
    headers: VERSION_SPOKEN,
  };
}

/** ws also takes version 8 (a draft before RFC 6455); the engine, like the servers it stands in for, speaks 13 only. */
function draftVersionRefusal(request: IncomingMessage): UpgradeRefusal | undefined {
  const version = request.headers['sec-websocket-version'];
  return version === '8' ? versionRefusal(version) : undefined;
}
