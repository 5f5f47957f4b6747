import { ActivityOrder } from './activity-order';
import type { SessionRecord } from './recorded-history';

/**
 * The store's sessions by id (in the order they came in), with what the history limits ask on every recorded
 * run kept up to date on every write: how many messages runs recorded and how many bytes of text, how many
 * sessions runs created, and the sessions the limits may take from, least recently active first. Counting and
 * sorting a thousand sessions per run instead was most of a busy engine's recording cost.
 */
export class SessionTable {
  private readonly records = new Map<string, SessionRecord>();
  /** When each id came in: ties in activity keep that order. */
  private readonly seqs = new Map<string, number>();
  private nextSeq = 0;
  /** Sessions holding something the limits may take: recorded messages, or created by a run. */
  private readonly evictable = new ActivityOrder();
  private recorded = 0;
  private bytes = 0;
  private byRun = 0;

  /** Messages that runs recorded, in all sessions. */
  get recordedMessages(): number {
    return this.recorded;
  }

  /** The text of the messages runs recorded, in all sessions, in UTF-8 bytes. */
  get recordedBytes(): number {
    return this.bytes;
  }

  /** Sessions that runs created. */
  get runSessions(): number {
    return this.byRun;
  }

  get(id: string): SessionRecord | undefined {
    return this.records.get(id);
  }

  has(id: string): boolean {
    return this.records.has(id);
  }

  values(): IterableIterator<SessionRecord> {
    return this.records.values();
  }

  entries(): IterableIterator<[string, SessionRecord]> {
    return this.records.entries();
  }

  set(id: string, record: SessionRecord): void {
    this.forget(this.records.get(id));
    this.records.set(id, record);
    let seq = this.seqs.get(id);
    if (seq === undefined) {
      seq = this.nextSeq++;
      this.seqs.set(id, seq);
    }
    this.recorded += record.recorded;
    this.bytes += record.recordedBytes;
    if (record.byRun) this.byRun++;
    if (record.recorded > 0 || record.byRun) this.evictable.set(id, lastActive(record), seq);
    else this.evictable.delete(id);
  }

  delete(id: string): boolean {
    const record = this.records.get(id);
    if (!record) return false;
    this.forget(record);
    this.records.delete(id);
    this.seqs.delete(id);
    this.evictable.delete(id);
    return true;
  }

  /**
   * The sessions the limits may take from (recorded messages, or created by a run), least recently active
   * first, `except` left out; lazily, so taking the first few costs little. Do not write while iterating.
   */
  *leastRecentlyActive(except?: string): Generator<[string, SessionRecord]> {
    for (const id of this.evictable.leastRecentFirst()) {
      if (id !== except) yield [id, this.records.get(id) as SessionRecord];
    }
  }

  private forget(record: SessionRecord | undefined): void {
    if (!record) return;
    this.recorded -= record.recorded;
    this.bytes -= record.recordedBytes;
    if (record.byRun) this.byRun--;
  }
}

/** When the session was last active, in ms (0 when unreadable). */
function lastActive(record: SessionRecord): number {
  return Date.parse(record.metadata.lastActivity) || 0;
}
