import type { HistoryMessage } from '../../../../shared/agora-model';

/** Below this many dead slots a buffer is never compacted: copying a few costs more than keeping them. */
const MIN_COMPACTION = 64;

/**
 * A session's messages, as one record of the store sees them: a window onto a buffer that the session's
 * successive records share. A run appends to the newest window in place (the buffer grows, older windows do not
 * see it), and the limits evict a run-made session's oldest messages by moving the window's start; copying the
 * whole history on every run instead made a long session's runs cost its length twice each. Any other change
 * copies. The buffer is compacted once more than half of it lies before the window, so it stays within twice
 * what the newest record holds. Immutable as far as its readers can tell: `messages` is built, frozen, on first
 * read.
 */
export class SessionHistory {
  private frozen: readonly HistoryMessage[] | undefined;

  private constructor(
    private readonly buffer: HistoryMessage[],
    private readonly start: number,
    readonly length: number,
  ) {}

  /**
   * A history holding `messages` (stored values: frozen and checked by the caller). A frozen list is read as
   * `messages` as it is: what measured it by identity (`DocumentBytes`) knows it.
   */
  static of(messages: readonly HistoryMessage[]): SessionHistory {
    const history = new SessionHistory([...messages], 0, messages.length);
    if (Object.isFrozen(messages)) history.frozen = messages;
    return history;
  }

  /** The messages, oldest first, as a frozen array (the same one on every read of this history). */
  get messages(): readonly HistoryMessage[] {
    this.frozen ??= Object.freeze(this.buffer.slice(this.start, this.start + this.length));
    return this.frozen;
  }

  /** The message at `index` (oldest 0), without building `messages`. */
  at(index: number): HistoryMessage {
    return this.buffer[this.start + index] as HistoryMessage;
  }

  /** This history with `added` after it; in place when this is the buffer's newest window. */
  appended(added: readonly HistoryMessage[]): SessionHistory {
    const end = this.start + this.length;
    if (end !== this.buffer.length || this.start > Math.max(this.length, MIN_COMPACTION)) {
      return new SessionHistory(this.window().concat(added), 0, this.length + added.length);
    }
    for (const message of added) this.buffer.push(message);
    return new SessionHistory(this.buffer, this.start, this.length + added.length);
  }

  /** This history without `count` messages from index `from` on: its start moved when they are the oldest. */
  without(from: number, count: number): SessionHistory {
    const removed = Math.min(Math.max(count, 0), this.length - from);
    if (removed <= 0) return this;
    if (from === 0) return new SessionHistory(this.buffer, this.start + removed, this.length - removed);
    const kept = this.window();
    kept.splice(from, removed);
    return new SessionHistory(kept, 0, kept.length);
  }

  private window(): HistoryMessage[] {
    return this.buffer.slice(this.start, this.start + this.length);
  }
}
