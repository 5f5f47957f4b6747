import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionLimitStats } from '../../shared/control-api';
import { counted } from '../../shared/counted-words';
import type { Logger } from '../support/logger';

/**
 * Connections kept for the console beyond `maxConnections`: a flood of clients must not lock out the person
 * watching it. A connection let in on them is served only `/__console`.
 */
export const CONSOLE_RESERVE = 16;

/** How often the refusals are summed up in the log while they go on. */
const REPORT_EVERY_MS = 10_000;

/**
 * The engine-wide bound on client connections (HTTP keep-alive, SSE streams, WebSockets: every TCP connection
 * on the port counts). Each one costs memory whatever it sends, so past `max` the engine refuses more instead of
 * growing without bound: a connection that arrives over the limit is let in on the console's reserve (answered
 * 503, except for `/__console`), and past the reserve Node closes it on arrival (`server.maxConnections`) before it
 * costs anything. Refusals are counted and summed up in the log at most every 10 s. Knowing every connection, it
 * also ends those Node's `closeAllConnections` leaves when the engine closes (`destroyOpen`).
 */
export class ConnectionLimit {
  private max: number;
  private server: Server | undefined;
  /** Every connection on the port, from its arrival (before a TLS handshake) to its close. */
  private readonly connections = new Set<Socket>();
  private refused = 0;
  private refusedSinceReport = 0;
  private reportTimer: NodeJS.Timeout | undefined;
  /** Connections that arrived over the limit (the TLS socket for HTTPS, as requests see it). */
  private readonly overLimit = new WeakSet<object>();

  /** `servedOverLimit`: whether a request target is served on a connection let in over the limit (the console's). */
  constructor(
    max: number,
    private readonly logger: Logger,
    private readonly servedOverLimit: (url: string) => boolean,
  ) {
    this.max = max;
  }

  /** Counts and bounds the connections of `server` (HTTPS when `tls`). */
  attach(server: Server, tls: boolean): void {
    this.server = server;
    server.maxConnections = this.max + CONSOLE_RESERVE;
    server.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
      if (!tls) this.judge(socket);
    });
    // A request on HTTPS sees the TLS socket, which exists once the handshake is done.
    if (tls) server.on('secureConnection', (socket: Socket) => this.judge(socket));
    server.on('drop', () => this.countRefusal());
  }

  /** Applies to connections that arrive from now on. */
  setMax(max: number): void {
    this.max = max;
    if (this.server) this.server.maxConnections = max + CONSOLE_RESERVE;
  }

  stats(): ConnectionLimitStats {
    return { max: this.max, open: this.connections.size, refused: this.refused };
  }

  /**
   * Whether `request` is refused: its connection arrived over the limit, and it is not for the console. Counted
   * once per request refused (the caller answers 503 with `refusalMessage` and closes the connection).
   * `forConsole`: whether the caller knows it is the console's (default: its target is under the console's path).
   */
  refuses(request: IncomingMessage, forConsole = this.servedOverLimit(request.url ?? '')): boolean {
    if (!this.overLimit.has(request.socket) || forConsole) return false;
    this.countRefusal();
    return true;
  }

  /** The 503 answer's message. */
  get refusalMessage(): string {
    return `Service Unavailable: the mock holds ${this.max} connections, the most its maxConnections setting allows; close some, or raise the setting`;
  }

  /**
   * Destroys every connection still open. Node's `closeAllConnections` closes those its HTTP layer holds, which an
   * HTTPS connection joins only once its TLS handshake is done: one that connected and sent nothing, or stopped in
   * the middle of its handshake, would hold the engine's close until the handshake timed out (the header timeout, up
   * to ten minutes).
   */
  destroyOpen(): void {
    for (const socket of this.connections) socket.destroy();
  }

  /** Stops the log's summary timer (the engine is closing). */
  close(): void {
    clearTimeout(this.reportTimer);
    this.reportTimer = undefined;
  }

  private judge(socket: Socket): void {
    if (this.connections.size > this.max) this.overLimit.add(socket);
  }

  private countRefusal(): void {
    this.refused++;
    this.refusedSinceReport++;
    if (this.reportTimer) return;
    this.report();
  }

  /** Logs the refusals so far, then again after REPORT_EVERY_MS if there were more by then. */
  private report(): void {
    const count = this.refusedSinceReport;
    this.refusedSinceReport = 0;
    if (count === 0) {
      this.reportTimer = undefined;
      return;
    }
    this.logger.warn(
      `refused ${counted(count, 'connection')}: the engine holds ${this.connections.size} connections, past its maxConnections setting (${this.max})`,
    );
    this.reportTimer = setTimeout(() => this.report(), REPORT_EVERY_MS);
    this.reportTimer.unref();
  }
}
