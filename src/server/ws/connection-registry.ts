import type { FrameRecord } from '../../shared/connections';
import type { RetainedAmount } from '../../shared/retention';
import { CLOSED_CONNECTION_BYTES, type RetentionBudget } from '../support/retention-budget';
import type { Connection, ConnectionInit, ConnectionObserver } from './connection';
import { Connection as ConnectionImpl } from './connection';

/**
 * What happened to a connection, by its id: listeners read its summary when they need it (an HTTP run opens,
 * changes and closes its connection several times in a row). `removed`: a closed connection the engine no longer
 * keeps (evicted for the retention budget, or one too many).
 */
export type RegistryEvent =
  | { type: 'opened' | 'updated' | 'closed' | 'removed'; connectionId: string }
  | { type: 'frame'; connectionId: string; frame: FrameRecord };

type Listener = (event: RegistryEvent) => void;

interface Subscription {
  listener: Listener;
  /** Whether the listener hears `connectionId`'s frames (a console follows the one a person selected). */
  wantsFrames: (connectionId: string) => boolean;
}

const MIB = 1024 * 1024;

/**
 * How many closed connections are kept for the console: one per MiB of the retention budget, between 20 and
 * 1,000. The budget bounds their bytes; this keeps the connection list readable and leaves each closed
 * connection room for a useful tail of frames.
 */
export function closedConnectionsKept(budgetBytes: number): number {
  return Math.min(1000, Math.max(20, Math.floor(budgetBytes / MIB)));
}

/**
 * Every client connection of the mocked API (WebSocket and SSE), live and recently closed, with their frame
 * logs accounted in the engine's retention budget. Listeners (the console feed) are only called when there
 * are any, so an unobserved engine pays nothing.
 */
export class ConnectionRegistry {
  private readonly open = new Map<string, Connection>();
  /** Oldest closed first. */
  private readonly recentlyClosed = new Map<string, Connection>();
  private readonly listeners = new Set<Subscription>();
  private readonly observer: ConnectionObserver = {
    followsFrames: (connection) => {
      if (this.listeners.size === 0) return false;
      for (const { wantsFrames } of this.listeners) if (wantsFrames(connection.id)) return true;
      return false;
    },
    frame: (connection, frame) => {
      for (const { listener, wantsFrames } of this.listeners)
        if (wantsFrames(connection.id)) listener({ type: 'frame', connectionId: connection.id, frame });
    },
    updated: (connection) => {
      if (this.listeners.size > 0) this.emit({ type: 'updated', connectionId: connection.id });
    },
    closed: (connection) => this.onClosed(connection),
  };

  constructor(
    private frameBufferSize: number,
    private readonly budget: RetentionBudget,
  ) {
    budget.register('closedConnections', (bytes) => this.evictClosed(bytes));
    budget.register('openConnectionFrames', (bytes) => this.evictOpenFrames(bytes));
  }

  create(init: Omit<ConnectionInit, 'observer' | 'frameBufferSize' | 'budget'>): Connection {
    const connection = new ConnectionImpl({
      ...init,
      observer: this.observer,
      frameBufferSize: this.frameBufferSize,
      budget: this.budget,
    });
    this.open.set(connection.id, connection);
    if (this.listeners.size > 0) this.emit({ type: 'opened', connectionId: connection.id });
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

  /**
   * `listener` hears every change of every connection, and the frames of those `wantsFrames` names (all by
   * default): a frame nobody wants is logged without a record or an event of its own.
   */
  subscribe(listener: Listener, wantsFrames: (connectionId: string) => boolean = () => true): () => void {
    const subscription = { listener, wantsFrames };
    this.listeners.add(subscription);
    return () => this.listeners.delete(subscription);
  }

  private onClosed(connection: Connection): void {
    this.open.delete(connection.id);
    this.recentlyClosed.set(connection.id, connection);
    if (this.listeners.size > 0) this.emit({ type: 'closed', connectionId: connection.id });
    const beyondCount = this.recentlyClosed.size - closedConnectionsKept(this.budget.limitBytes);
    if (beyondCount > 0) this.budget.release(this.removeOldestClosed(beyondCount, Number.POSITIVE_INFINITY).bytes);
    // Kept now only for the console: its record counts too (its frames already do).
    this.budget.charge(CLOSED_CONNECTION_BYTES);
  }

  /**
   * Forgets every closed connection (a person cleared them from the console), freeing their frames' memory;
   * listeners hear `removed` for each. Returns how many went.
   */
  removeClosed(): number {
    const freed = this.removeOldestClosed(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
    this.budget.release(freed.bytes);
    return freed.items;
  }

  /** Budget tier 1: whole closed connections, oldest closed first. */
  private evictClosed(bytes: number): RetainedAmount {
    return this.removeOldestClosed(Number.POSITIVE_INFINITY, bytes);
  }

  /**
   * Drops the oldest closed connections until `count` are gone or `bytes` freed; returns what they held, as the
   * budget counts it (a text their logs shared with others' is counted by those).
   */
  private removeOldestClosed(count: number, bytes: number): RetainedAmount {
    const freed = { items: 0, bytes: 0 };
    for (const connection of this.recentlyClosed.values()) {
      if (freed.items >= count || freed.bytes >= bytes) break;
      this.recentlyClosed.delete(connection.id);
      freed.items++;
      freed.bytes += connection.dropFrames().bytes + CLOSED_CONNECTION_BYTES;
      if (this.listeners.size > 0) this.emit({ type: 'removed', connectionId: connection.id });
    }
    return freed;
  }

  /**
   * Budget tier 2: the oldest frames of open connections, largest logs first: every log above a common level
   * is cut down to it, so a flood on one connection does not wipe the history of the quiet ones. A text many logs
   * share (a broadcast's) frees its bytes only with its last holder, so this cuts again, lower, until enough is.
   */
  private evictOpenFrames(bytes: number): RetainedAmount {
    const freed = { items: 0, bytes: 0 };
    while (freed.bytes < bytes) {
      const cut = this.cutLargestLogs(bytes - freed.bytes);
      if (cut.items === 0) break;
      freed.items += cut.items;
      freed.bytes += cut.bytes;
    }
    return freed;
  }

  /** Cuts the logs above a common level down to it, so as to free `bytes` of their `retainedBytes`; says what went. */
  private cutLargestLogs(bytes: number): RetainedAmount {
    const logs = [...this.open.values()]
      .filter((connection) => connection.retainedBytes > 0)
      .sort((a, b) => b.retainedBytes - a.retainedBytes);
    // Find the level: lowering the k largest logs to the (k+1)-th's size frees sum(k largest) - k × that size.
    let largest = 0;
    let cut = 0;
    let level = 0;
    for (const [index, connection] of logs.entries()) {
      largest += connection.retainedBytes;
      cut = index + 1;
      const next = logs[cut]?.retainedBytes ?? 0;
      if (largest - cut * next >= bytes) {
        level = (largest - bytes) / cut;
        break;
      }
    }
    const freed = { items: 0, bytes: 0 };
    for (const connection of logs.slice(0, cut)) {
      const evicted = connection.evictOldestFrames(connection.retainedBytes - level);
      freed.items += evicted.items;
      freed.bytes += evicted.bytes;
      if (evicted.items > 0 && this.listeners.size > 0) this.emit({ type: 'updated', connectionId: connection.id });
    }
    return freed;
  }

  private emit(event: RegistryEvent): void {
    for (const { listener } of this.listeners) listener(event);
  }
}
