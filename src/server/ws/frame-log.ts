import type { FrameDirection, FrameFinding, FrameRecord } from '../../shared/connections';
import { checkCapacity } from '../support/ring-buffer';

const IN = 1;
const BINARY = 2;
/** The columns of an empty log: shared (never written to), so an idle connection's log allocates nothing. */
const NONE: never[] = [];

/**
 * A connection's frame log: its newest frames up to a capacity, oldest dropped first. Frames are kept in columns
 * (numbers in unboxed arrays, the texts, the event types) rather than as an object each: a busy engine keeps
 * hundreds of thousands of frames, and every kept object is one more for the garbage collector to copy and mark.
 * Storage grows with use and shrinks after removals, so a quiet socket costs almost nothing whatever the capacity.
 */
export class FrameLog {
  private seqs: number[] = NONE;
  private ats: number[] = NONE;
  private sizes: number[] = NONE;
  private flags: number[] = NONE;
  private eventTypes: (string | null)[] = NONE;
  private texts: string[] = NONE;
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

  /** Adds a frame as the newest; returns the oldest one when it had to go to make room. */
  push(frame: FrameRecord): FrameRecord | undefined {
    if (this.count === this.capacity) {
      // Full: the storage is exactly `capacity` slots; the newest takes the oldest's place.
      const dropped = this.read(this.start);
      this.findings?.delete(dropped.seq);
      this.write(this.start, frame);
      this.start = (this.start + 1) % this.texts.length;
      return dropped;
    }
    if (this.count === this.texts.length) {
      if (this.start !== 0) this.linearise();
      this.append(frame);
    } else {
      this.write((this.start + this.count) % this.texts.length, frame);
    }
    this.count++;
    return undefined;
  }

  /** Removes and returns the oldest frame. */
  shift(): FrameRecord | undefined {
    if (this.count === 0) return undefined;
    const frame = this.read(this.start);
    this.findings?.delete(frame.seq);
    // Lets the text go; the numbers stay until overwritten (they hold nothing).
    this.texts[this.start] = '';
    this.start = (this.start + 1) % this.texts.length;
    this.count--;
    // Give back storage once mostly empty (evictions can empty a large log that then stays quiet).
    if (this.count <= this.texts.length >> 2) this.linearise();
    return frame;
  }

  /** Oldest first. */
  toArray(): FrameRecord[] {
    const out: FrameRecord[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.read((this.start + i) % this.texts.length);
    return out;
  }

  /** Changes capacity, keeping the newest frames that still fit; returns the ones dropped, oldest first. */
  resize(capacity: number): FrameRecord[] {
    checkCapacity(capacity);
    const dropped: FrameRecord[] = [];
    while (this.count > capacity) dropped.push(this.shift() as FrameRecord);
    this.linearise();
    this.capacity = capacity;
    return dropped;
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

  private write(slot: number, frame: FrameRecord): void {
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

  private append(frame: FrameRecord): void {
    if (this.texts === NONE) this.setColumns([], [], [], [], [], []);
    // Writing at the length appends (the arrays stay packed).
    this.write(this.texts.length, frame);
  }

  /** Moves the frames to the front of fresh columns exactly their size (none when empty). */
  private linearise(): void {
    const slots = Array.from({ length: this.count }, (_, i) => (this.start + i) % this.texts.length);
    this.start = 0;
    if (slots.length === 0) {
      this.setColumns(NONE, NONE, NONE, NONE, NONE, NONE);
      return;
    }
    this.setColumns(
      slots.map((slot) => this.seqs[slot] as number),
      slots.map((slot) => this.ats[slot] as number),
      slots.map((slot) => this.sizes[slot] as number),
      slots.map((slot) => this.flags[slot] as number),
      slots.map((slot) => this.eventTypes[slot] as string | null),
      slots.map((slot) => this.texts[slot] as string),
    );
  }

  private setColumns(
    seqs: number[],
    ats: number[],
    sizes: number[],
    flags: number[],
    eventTypes: (string | null)[],
    texts: string[],
  ): void {
    this.seqs = seqs;
    this.ats = ats;
    this.sizes = sizes;
    this.flags = flags;
    this.eventTypes = eventTypes;
    this.texts = texts;
  }
}

function flagsOf(frame: FrameRecord): number {
  return (frame.direction === 'in' ? IN : 0) | (frame.binary ? BINARY : 0);
}
