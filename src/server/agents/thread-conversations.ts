/** What the store keeps per thread: whether it is in use (never evicted then), and how to let it go. */
export interface ThreadState {
  readonly busy: boolean;
  close(): void;
}

export interface ThreadConversationsOptions {
  /** Threads kept at most; the least recently used idle one goes first. */
  maxThreads: number;
  /** A thread not used for this long is forgotten (real ms). */
  idleMs: number;
}

interface Entry<T> {
  state: T;
  lastUsed: number;
}

/**
 * Conversations that outlive an HTTP request, by threadId (AG-UI over HTTP has no socket to hang them on):
 * bounded in number (LRU) and in idle time. One sweep timer for all of them, unref'd so it never keeps the
 * process up, running only while something is kept.
 */
export class ThreadConversations<T extends ThreadState> {
  /** In least-recently-used-first order: a use moves the thread to the end. */
  private readonly entries = new Map<string, Entry<T>>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ThreadConversationsOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** The thread's state, created when new (or forgotten); marks it used now. */
  acquire(threadId: string, create: () => T): T {
    let entry = this.entries.get(threadId);
    if (entry) this.entries.delete(threadId);
    else entry = { state: create(), lastUsed: 0 };
    entry.lastUsed = performance.now();
    this.entries.set(threadId, entry);
    this.evictOverCapacity();
    this.scheduleSweep();
    return entry.state;
  }

  /** Marks a thread used now (its idle time counts from the end of its last stream, not its start). */
  touch(threadId: string, state: T): void {
    const entry = this.entries.get(threadId);
    if (entry?.state === state) entry.lastUsed = performance.now();
  }

  /** Lets every thread go and stops the sweep (engine close). */
  close(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const entry of this.entries.values()) entry.state.close();
    this.entries.clear();
  }

  private evictOverCapacity(): void {
    if (this.entries.size <= this.options.maxThreads) return;
    for (const [threadId, entry] of this.entries) {
      if (this.entries.size <= this.options.maxThreads) return;
      // A thread streaming right now stays; the map may exceed the cap by the number of open streams.
      if (entry.state.busy) continue;
      this.forget(threadId, entry);
    }
  }

  private scheduleSweep(): void {
    if (this.sweepTimer) return;
    const every = Math.min(Math.max(this.options.idleMs / 2, 10), 60_000);
    this.sweepTimer = setInterval(() => this.sweep(), every);
    this.sweepTimer.unref();
  }

  private sweep(): void {
    const oldest = performance.now() - this.options.idleMs;
    for (const [threadId, entry] of this.entries) {
      if (entry.lastUsed <= oldest && !entry.state.busy) this.forget(threadId, entry);
    }
    if (this.entries.size === 0) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = undefined;
    }
  }

  private forget(threadId: string, entry: Entry<T>): void {
    this.entries.delete(threadId);
    entry.state.close();
  }
}
