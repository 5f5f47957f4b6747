import type { ConnectionSummary, FrameRecord } from '../../shared/connections';
import type { Connection, ConnectionInit, ConnectionObserver } from './connection';
import { Connection as ConnectionImpl } from './connection';

export type RegistryEvent =
  | { type: 'opened'; connection: ConnectionSummary }
  | { type: 'updated'; connection: ConnectionSummary }
  | { type: 'closed'; connection: ConnectionSummary }
  | { type: 'frame'; connectionId: string; frame: FrameRecord };

type Listener = (event: RegistryEvent) => void;

/** Closed connections kept for the console after they end, newest last. */
const CLOSED_KEPT = 200;

/**
 * Every client connection of the mocked API (WebSocket and SSE), live and recently closed.
 * Listeners (the console feed) are only called when there are any, so an unobserved engine pays nothing.
 */
export class ConnectionRegistry {
  private readonly open = new Map<string, Connection>();
  private readonly recentlyClosed = new Map<string, Connection>();
  private readonly listeners = new Set<Listener>();
  private readonly observer: ConnectionObserver = {
    frame: (connection, frame) => {
      if (this.listeners.size > 0) this.emit({ type: 'frame', connectionId: connection.id, frame });
    },
    updated: (connection) => {
      if (this.listeners.size > 0) this.emit({ type: 'updated', connection: connection.summary() });
    },
    closed: (connection) => this.onClosed(connection),
  };

  constructor(private frameBufferSize: number) {}

  create(init: Omit<ConnectionInit, 'observer' | 'frameBufferSize'>): Connection {
    const connection = new ConnectionImpl({ ...init, observer: this.observer, frameBufferSize: this.frameBufferSize });
    this.open.set(connection.id, connection);
    if (this.listeners.size > 0) this.emit({ type: 'opened', connection: connection.summary() });
    return connection;
  }

  get(id: string): Connection | undefined {
    return this.open.get(id) ?? this.recentlyClosed.get(id);
  }

  /** Open connections first (oldest first), then recently closed ones. */
  list(): Connection[] {
    return [...this.open.values(), ...this.recentlyClosed.values()];
  }

  openConnections(): IterableIterator<Connection> {
    return this.open.values();
  }

  get openCount(): number {
    return this.open.size;
  }

  setFrameBufferSize(size: number): void {
    // Called on every settings change; resizing copies every buffer, so only when the size really changed.
    if (size === this.frameBufferSize) return;
    this.frameBufferSize = size;
    for (const connection of this.list()) connection.resizeFrameBuffer(size);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private onClosed(connection: Connection): void {
    this.open.delete(connection.id);
    this.recentlyClosed.set(connection.id, connection);
    if (this.recentlyClosed.size > CLOSED_KEPT) {
      const oldest = this.recentlyClosed.keys().next().value;
      if (oldest !== undefined) this.recentlyClosed.delete(oldest);
    }
    if (this.listeners.size > 0) this.emit({ type: 'closed', connection: connection.summary() });
  }

  private emit(event: RegistryEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
