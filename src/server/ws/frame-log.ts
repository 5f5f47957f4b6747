import type { FrameDirection, FrameFinding, FrameRecord } from '../../shared/connections';
import { FRAME_RECORD_BYTES, textBytes } from '../support/retention-budget';
import { checkCapacity } from '../support/ring-buffer';
import { Utf8Chunks } from './utf8-chunks';

const IN = 1;
const BINARY = 2;
/** The columns of an empty log: shared (never written to), so an idle connection's log allocates nothing. */
const NONE: never[] = [];

/**
 * A connection's frame log: its newest frames up to a capacity, oldest dropped first. Frames are kept in columns
 * (numbers in unboxed arrays, the event types) with their texts as UTF-8 outside the heap (`Utf8Chunks`), rather
 * than as an object and a string each: a busy engine keeps hundreds of thousands of frames, and every kept object
 * is one more for the garbage collector to copy and mark. Storage grows with use and shrinks after removals, so a
 * quiet socket costs almost nothing whatever the capacity. The log knows what it keeps (`retainedBytes`, see
 * `frameBytes`), and every removal says how much it let go.
 */
export class FrameLog {
  private seqs: number[] = NONE;
  private ats: number[] = NONE;
  private sizes: number[] = NONE;
  private flags: number[] = NONE;
  private eventTypes: (string | null)[] = NONE;
  /** Each text's position in `chunks` and its UTF-8 length. */
  private positions: number[] = NONE;
  private lengths: number[] = NONE;
  /** Made on the first frame, dropped when the log empties: an idle connection's log holds nothing. */
  private chunks: Utf8Chunks | undefined;
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

  /** Estimated bytes the log keeps (`frameBytes` of every frame). */
  get retainedBytes(): number {
    return this.bytes;
  }

  /** Adds a frame as the newest; returns the bytes of the oldest when it had to go to make room, else 0. */
  push(frame: FrameRecord): number {
    if (this.count === this.capacity) {
      // Full: the storage is exactly `capacity` slots; the newest takes the oldest's place.
      const dropped = this.forget(this.start);
      this.write(this.start, frame);
      this.start = (this.start + 1) % this.lengths.length;
      this.chunks?.releaseBefore(this.positions[this.start] as number);
      return dropped;
    }
    if (this.count === this.lengths.length) {
      if (this.start !== 0) this.linearise();
      this.append(frame);
    } else {
      this.write((this.start + this.count) % this.lengths.length, frame);
    }
    this.count++;
    return 0;
  }

  /** Removes the oldest frame; returns its bytes (0 when the log is empty). */
  shift(): number {
    if (this.count === 0) return 0;
    const bytes = this.forget(this.start);
    this.start = (this.start + 1) % this.lengths.length;
    this.count--;
    if (this.count === 0) this.chunks = undefined;
    else this.chunks?.releaseBefore(this.positions[this.start] as number);
    // Give back storage once mostly empty (evictions can empty a large log that then stays quiet).
    if (this.count <= this.lengths.length >> 2) this.linearise();
    return bytes;
  }

  /** Oldest first. */
  toArray(): FrameRecord[] {
    const out: FrameRecord[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.read((this.start + i) % this.lengths.length);
    return out;
  }

  /** Changes capacity, keeping the newest frames that still fit; returns the bytes of those dropped, oldest first. */
  resize(capacity: number): number[] {
    checkCapacity(capacity);
    const dropped: number[] = [];
    while (this.count > capacity) dropped.push(this.shift());
    this.linearise();
    this.capacity = capacity;
    return dropped;
  }

  /** Takes the frame in `slot` out of the accounting (its finding with it); returns its bytes. */
  private forget(slot: number): number {
    const seq = this.seqs[slot] as number;
    const finding = this.findings?.get(seq);
    if (finding) this.findings?.delete(seq);
    const bytes = frameBytes(this.lengths[slot] as number, finding);
    this.bytes -= bytes;
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
      text: (this.chunks as Utf8Chunks).read(this.positions[slot] as number, this.lengths[slot] as number),
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
    const length = Buffer.byteLength(frame.text);
    this.chunks ??= new Utf8Chunks();
    this.positions[slot] = this.chunks.append(frame.text, length);
    this.lengths[slot] = length;
    this.bytes += frameBytes(length, frame.finding);
    if (!frame.finding) return;
    this.findings ??= new Map();
    this.findings.set(frame.seq, frame.finding);
  }

  private append(frame: FrameRecord): void {
    if (this.lengths === NONE) this.setColumns([], [], [], [], [], [], []);
    // Writing at the length appends (the arrays stay packed).
    this.write(this.lengths.length, frame);
  }

  /** Moves the frames to the front of fresh columns exactly their size (none when empty). */
  private linearise(): void {
    const slots = Array.from({ length: this.count }, (_, i) => (this.start + i) % this.lengths.length);
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
      slots.map((slot) => this.positions[slot] as number),
      slots.map((slot) => this.lengths[slot] as number),
    );
  }

  private setColumns(
    seqs: number[],
    ats: number[],
    sizes: number[],
    flags: number[],
    eventTypes: (string | null)[],
    positions: number[],
    lengths: number[],
  ): void {
    this.seqs = seqs;
    this.ats = ats;
    this.sizes = sizes;
    this.flags = flags;
    this.eventTypes = eventTypes;
    this.positions = positions;
    this.lengths = lengths;
  }
}

/**
 * What a kept frame costs: its finding's message, its share of the columns, and its text's UTF-8 bytes twice — a
 * chunk is let go only with the last text in it, and the newest chunk is partly empty.
 */
function frameBytes(textLength: number, finding: FrameFinding | undefined): number {
  return FRAME_RECORD_BYTES + 2 * textLength + (finding ? textBytes(finding.message) : 0);
}

function flagsOf(frame: FrameRecord): number {
  return (frame.direction === 'in' ? IN : 0) | (frame.binary ? BINARY : 0);
}
