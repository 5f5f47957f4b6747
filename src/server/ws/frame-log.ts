import type { FrameDirection, FrameFinding, FrameRecord } from '../../shared/connections';
import type { RetainedAmount } from '../../shared/retention';
import { FRAME_RECORD_BYTES, textBytes } from '../support/retention-budget';
import { checkCapacity } from '../support/ring-buffer';

const IN = 1;
const BINARY = 2;
/** The columns of an empty log: shared (never written to), so an idle connection's log allocates nothing. */
const NONE: never[] = [];

/** Estimated bytes one logged frame keeps alive (a finding's rule and title are shared constants). */
export function frameBytes(frame: FrameRecord): number {
  return FRAME_RECORD_BYTES + textBytes(frame.text) + (frame.finding ? textBytes(frame.finding.message) : 0);
}

/**
 * A connection's frame log: its newest frames up to a capacity, oldest dropped first, and the bytes they keep
 * alive. Frames are kept in columns (numbers in unboxed arrays, the texts, the event types) rather than as an
 * object each: a busy engine keeps hundreds of thousands of frames, and every kept object is one more for the
 * garbage collector to copy and mark. Each frame's bytes are kept beside it, so dropping the oldest (every frame
 * of a busy connection whose log is full) touches neither its long-cold text nor a new object.
 * Storage grows with use and shrinks after removals, so a quiet socket costs almost nothing whatever the capacity.
 */
export class FrameLog {
  private seqs: number[] = NONE;
  private ats: number[] = NONE;
  private sizes: number[] = NONE;
  private flags: number[] = NONE;
  private eventTypes: (string | null)[] = NONE;
  private texts: string[] = NONE;
  /** Each frame's `frameBytes`. */
  private costs: number[] = NONE;
  private bytes = 0;
  /** Findings are rare: by seq, the map made on the first. */
  private findings: Map<number, FrameFinding> | undefined;
  /** The oldest frame's slot; the frames are `count` slots from it, wrapping around. */
  private start = 0;
  private count = 0;

  constructor(private capacity: number) {
    checkCapacity(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Estimated bytes the frames kept hold (`frameBytes` of each). */
  get retainedBytes(): number {
    return this.bytes;
  }

  /**
   * Adds a frame, of `bytes` (its `frameBytes`), as the newest; returns the bytes of the oldest one when it had to
   * go to make room, else 0.
   */
  push(frame: FrameRecord, bytes: number): number {
    this.bytes += bytes;
    if (this.count === this.capacity) {
      // Full: the storage is exactly `capacity` slots; the newest takes the oldest's place.
      const slot = this.start;
      const dropped = this.forget(slot);
      this.write(slot, frame, bytes);
      this.start = (slot + 1) % this.texts.length;
      return dropped;
    }
    if (this.count === this.texts.length) {
      if (this.start !== 0) this.linearise();
      this.append(frame, bytes);
    } else {
      this.write((this.start + this.count) % this.texts.length, frame, bytes);
    }
    this.count++;
    return 0;
  }

  /** Removes the oldest frames until at least `bytes` are freed, or none are left; says what went. */
  evictOldest(bytes: number): RetainedAmount {
    return this.dropOldestWhile((freed) => freed.bytes < bytes && this.count > 0);
  }

  /** Oldest first. */
  toArray(): FrameRecord[] {
    const out: FrameRecord[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.read((this.start + i) % this.texts.length);
    return out;
  }

  /** Changes capacity, keeping the newest frames that still fit; says what went. */
  resize(capacity: number): RetainedAmount {
    checkCapacity(capacity);
    const dropped = this.dropOldestWhile(() => this.count > capacity);
    this.linearise();
    this.capacity = capacity;
    return dropped;
  }

  /** Removes the oldest frames while `more` holds (and there is one); says what went. */
  private dropOldestWhile(more: (dropped: RetainedAmount) => boolean): RetainedAmount {
    const dropped = { items: 0, bytes: 0 };
    while (more(dropped)) {
      dropped.items++;
      dropped.bytes += this.dropOldest();
    }
    return dropped;
  }

  /** The frame in `slot` no longer counts (its bytes, its finding); returns its bytes. */
  private forget(slot: number): number {
    const bytes = this.costs[slot] as number;
    this.bytes -= bytes;
    if (this.findings) this.findings.delete(this.seqs[slot] as number);
    return bytes;
  }

  /** Removes the oldest frame (there is one); returns its bytes. */
  private dropOldest(): number {
    const slot = this.start;
    const bytes = this.forget(slot);
    // Lets the text go; the numbers stay until overwritten (they hold nothing).
    this.texts[slot] = '';
    this.start = (slot + 1) % this.texts.length;
    this.count--;
    // Give back storage once mostly empty (evictions can empty a large log that then stays quiet).
    if (this.count <= this.texts.length >> 2) this.linearise();
    return bytes;
  }

  private read(slot: number): FrameRecord {
    const flags = this.flags[slot] as number;
    const seq = this.seqs[slot] as number;
    const frame: FrameRecord = {
      seq,
      at: this.ats[slot] as number,
      direction: (flags & IN ? 'in' : 'out') as FrameDirection,
      size: this.sizes[slot] as number,
      text: this.texts[slot] as string,
      binary: (flags & BINARY) !== 0,
      eventType: this.eventTypes[slot] as string | null,
    };
    const finding = this.findings?.get(seq);
    if (finding) frame.finding = finding;
    return frame;
  }

  private write(slot: number, frame: FrameRecord, bytes: number): void {
    this.costs[slot] = bytes;
    this.seqs[slot] = frame.seq;
    this.ats[slot] = frame.at;
    this.sizes[slot] = frame.size;
    this.flags[slot] = flagsOf(frame);
    this.eventTypes[slot] = frame.eventType;
    this.texts[slot] = frame.text;
    if (!frame.finding) return;
    this.findings ??= new Map();
    this.findings.set(frame.seq, frame.finding);
  }

  private append(frame: FrameRecord, bytes: number): void {
    if (this.texts === NONE) this.setColumns([], [], [], [], [], [], []);
    // Writing at the length appends (the arrays stay packed).
    this.write(this.texts.length, frame, bytes);
  }

  /** Moves the frames to the front of fresh columns exactly their size (none when empty). */
  private linearise(): void {
    const slots = Array.from({ length: this.count }, (_, i) => (this.start + i) % this.texts.length);
    this.start = 0;
    if (slots.length === 0) {
      this.setColumns(NONE, NONE, NONE, NONE, NONE, NONE, NONE);
      return;
    }
    this.setColumns(
      slots.map((slot) => this.seqs[slot] as number),
      slots.map((slot) => this.ats[slot] as number),
      slots.map((slot) => this.sizes[slot] as number),
      slots.map((slot) => this.flags[slot] as number),
      slots.map((slot) => this.eventTypes[slot] as string | null),
      slots.map((slot) => this.texts[slot] as string),
      slots.map((slot) => this.costs[slot] as number),
    );
  }

  private setColumns(
    seqs: number[],
    ats: number[],
    sizes: number[],
    flags: number[],
    eventTypes: (string | null)[],
    texts: string[],
    costs: number[],
  ): void {
    this.seqs = seqs;
    this.ats = ats;
    this.sizes = sizes;
    this.flags = flags;
    this.eventTypes = eventTypes;
    this.texts = texts;
    this.costs = costs;
  }
}

function flagsOf(frame: FrameRecord): number {
  return (frame.direction === 'in' ? IN : 0) | (frame.binary ? BINARY : 0);
}
