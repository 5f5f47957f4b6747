import type { FrameDirection, FrameFinding, FrameRecord } from '../../shared/connections';
import type { RetainedAmount } from '../../shared/retention';
import { FRAME_RECORD_BYTES, textBytes } from '../support/retention-budget';
import { checkCapacity } from '../support/ring-buffer';
import type { SharedText } from './shared-text';

const IN = 1;
const BINARY = 2;
/** The frame's text is a `SharedText`'s bytes themselves (its entry in `shares`). */
const SHARED = 4;
/** The columns of an empty log: shared (never written to), so an idle connection's log allocates nothing. */
const NONE: never[] = [];
/** What a dropped frame's slot holds instead of its chunk, so the chunk can go once none of its frames is kept. */
const NO_CHUNK = Buffer.alloc(0);
/** A log's first chunk of text; each next one is twice the last, up to `MAX_CHUNK_BYTES`. */
const FIRST_CHUNK_BYTES = 1024;
/** Texts are stored in chunks of at most this. */
const MAX_CHUNK_BYTES = 16 * 1024;
/** A text of more UTF-8 bytes than this gets a buffer of its own (a broadcast's bytes are kept as they are). */
const OWN_BUFFER_BYTES = MAX_CHUNK_BYTES / 4;

/**
 * Estimated bytes one logged frame keeps alive (a finding's rule and title are shared constants). Its text is kept as
 * UTF-8: a text frame's `size`, which for most characters `textBytes` (two per UTF-16 unit) covers, but not for
 * those UTF-8 spells in three (CJK scripts, say); a binary frame's text is a short note.
 */
export function frameBytes(frame: FrameRecord): number {
  const text = frame.binary ? textBytes(frame.text) : keptTextBytes(frame.text, frame.size);
  return FRAME_RECORD_BYTES + text + (frame.finding ? textBytes(frame.finding.message) : 0);
}

/** Estimated bytes a text frame's text of `size` UTF-8 bytes keeps alive (see `frameBytes`). */
export function keptTextBytes(text: string, size: number): number {
  return Math.max(textBytes(text), size);
}

/**
 * A connection's frame log: its newest frames up to a capacity, oldest dropped first, and the bytes they keep
 * alive. Frames are kept in columns (numbers in unboxed arrays, the event types) rather than as an object each,
 * and their texts as UTF-8 in chunks of bytes outside V8's heap, decoded when read: a busy engine keeps hundreds of
 * thousands of frames, and every kept string or object is one more for the garbage collector to copy out of the
 * young generation and mark in the old one (a full collection's pause grows with them: the soak's `/health`). A
 * chunk goes once none of its frames is kept. Each frame's bytes are kept beside it, so dropping the oldest (every
 * frame of a busy connection whose log is full) touches neither its long-cold text nor a new object.
 * Storage grows with use and shrinks after removals, so a quiet socket costs almost nothing whatever the capacity.
 *
 * A broadcast's large text is kept by every receiver's log as one buffer (`SharedText`), so the retention budget
 * counts it once: the first frame kept that holds it charges it, the last one dropped releases it, by the count
 * kept with the text. The log's methods therefore say what the budget counts, which for such a frame is less than
 * its `frameBytes`; `retainedBytes` counts every frame in full, what this log alone keeps alive. Only frames holding
 * a shared text are flagged and looked up (`shares`): any other frame pays a bit test when dropped, no lookup.
 */
export class FrameLog {
  private seqs: number[] = NONE;
  private ats: number[] = NONE;
  private sizes: number[] = NONE;
  private flags: number[] = NONE;
  private eventTypes: (string | null)[] = NONE;
  /** Each frame's text: the chunk it is in, where, and its UTF-8 length. */
  private chunks: Buffer[] = NONE;
  private offsets: number[] = NONE;
  private lengths: number[] = NONE;
  /** The chunk new texts go into, and how much of it is taken. */
  private chunk: Buffer | undefined;
  private chunkUsed = 0;
  /** Each frame's `frameBytes`. */
  private costs: number[] = NONE;
  private bytes = 0;
  /** Findings are rare: by seq, the map made on the first. */
  private findings: Map<number, FrameFinding> | undefined;
  /** The shared texts of the frames flagged SHARED, by seq: the map made on the first. */
  private shares: Map<number, SharedText> | undefined;
  /** The oldest frame's slot; the frames are `count` slots from it, wrapping around. */
  private start = 0;
  private count = 0;

  constructor(private capacity: number) {
    checkCapacity(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Estimated bytes the frames kept hold (`frameBytes` of each, a shared text in full). */
  get retainedBytes(): number {
    return this.bytes;
  }

  /**
   * Adds a frame, of `bytes` (its `frameBytes`), as the newest, the oldest going when the log is full (`size` says
   * whether it did); returns by how much that changes what the retention budget counts: `bytes`, less its shared
   * text's when another frame kept holds it already, less what the budget counted for the frame dropped (below zero
   * when that held the last hold on a shared text). `shared`: its text encoded for many connections, kept as it is
   * when the text would get a buffer of its own (never written to), else copied.
   */
  push(frame: FrameRecord, bytes: number, shared?: SharedText): number {
    this.bytes += bytes;
    if (this.count === this.capacity) {
      // Full: the storage is exactly `capacity` slots; the newest takes the oldest's place.
      const slot = this.start;
      const released = this.forget(slot);
      const charged = this.write(slot, frame, bytes, shared);
      this.start = (slot + 1) % this.seqs.length;
      return charged - released;
    }
    let charged: number;
    if (this.count === this.seqs.length) {
      if (this.start !== 0) this.linearise();
      charged = this.append(frame, bytes, shared);
    } else {
      charged = this.write((this.start + this.count) % this.seqs.length, frame, bytes, shared);
    }
    this.count++;
    return charged;
  }

  /**
   * Removes the oldest frames until at least `bytes` of `retainedBytes` are freed, or none are left; says what went,
   * as the budget counts it (a shared text only with its last holder).
   */
  evictOldest(bytes: number): RetainedAmount {
    return this.dropOldestWhile((freed) => freed < bytes);
  }

  /** Removes every frame (the connection is no longer kept); says what went, as the budget counts it. */
  clear(): RetainedAmount {
    return this.dropOldestWhile(() => true);
  }

  /**
   * The newest `limit` frames `matches` takes, newest first, and how many it takes in all. It judges a frame by its
   * seq, direction and event type alone, so only the texts of the frames returned are decoded (a page of a log of
   * thousands: the console's frame list). The page stops before the frame that would take its texts past
   * `maxTextBytes` of UTF-8 (it always has the newest): the older ones are counted in `total`, for another page.
   */
  newest(
    limit: number,
    matches: (seq: number, direction: FrameDirection, eventType: string | null) => boolean,
    maxTextBytes = Number.POSITIVE_INFINITY,
  ): { items: FrameRecord[]; total: number } {
    const items: FrameRecord[] = [];
    let total = 0;
    let textBytes = 0;
    let full = false;
    for (let i = this.count - 1; i >= 0; i--) {
      const slot = (this.start + i) % this.seqs.length;
      const direction = directionOf(this.flags[slot] as number);
      if (!matches(this.seqs[slot] as number, direction, this.eventTypes[slot] as string | null)) continue;
      total++;
      if (full || items.length >= limit) continue;
      textBytes += this.lengths[slot] as number;
      if (items.length > 0 && textBytes > maxTextBytes) full = true;
      else items.push(this.read(slot));
    }
    return { items, total };
  }

  /** Oldest first. */
  toArray(): FrameRecord[] {
    const out: FrameRecord[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.read((this.start + i) % this.seqs.length);
    return out;
  }

  /** Changes capacity, keeping the newest frames that still fit; says what went, as the budget counts it. */
  resize(capacity: number): RetainedAmount {
    checkCapacity(capacity);
    const dropped = this.dropOldestWhile(() => this.count > capacity);
    this.linearise();
    this.capacity = capacity;
    return dropped;
  }

  /**
   * Removes the oldest frames while there is one and `more(freed)` holds, `freed` being the `retainedBytes` they
   * took; says what went, as the budget counts it.
   */
  private dropOldestWhile(more: (freed: number) => boolean): RetainedAmount {
    const dropped = { items: 0, bytes: 0 };
    const before = this.bytes;
    while (this.count > 0 && more(before - this.bytes)) {
      dropped.items++;
      dropped.bytes += this.dropOldest();
    }
    return dropped;
  }

  /**
   * The frame in `slot` no longer counts (its bytes, its finding, its hold on a shared text); returns what the
   * budget counted for it: its bytes, less its shared text's while another frame still holds that.
   */
  private forget(slot: number): number {
    const bytes = this.costs[slot] as number;
    this.bytes -= bytes;
    const seq = this.seqs[slot] as number;
    if (this.findings) this.findings.delete(seq);
    if (((this.flags[slot] as number) & SHARED) === 0) return bytes;
    const shares = this.shares as Map<number, SharedText>;
    const shared = shares.get(seq) as SharedText;
    shares.delete(seq);
    shared.holders--;
    return shared.holders === 0 ? bytes : bytes - shared.retainedBytes;
  }

  /** Removes the oldest frame (there is one); returns what the budget counted for it. */
  private dropOldest(): number {
    const slot = this.start;
    const bytes = this.forget(slot);
    // Lets its chunk go (with its last frame); the numbers stay until overwritten (they hold nothing).
    this.chunks[slot] = NO_CHUNK;
    this.start = (slot + 1) % this.seqs.length;
    this.count--;
    // Give back storage once mostly empty (evictions can empty a large log that then stays quiet).
    if (this.count <= this.seqs.length >> 2) this.linearise();
    return bytes;
  }

  private read(slot: number): FrameRecord {
    const flags = this.flags[slot] as number;
    const offset = this.offsets[slot] as number;
    const seq = this.seqs[slot] as number;
    const frame: FrameRecord = {
      seq,
      at: this.ats[slot] as number,
      direction: directionOf(flags),
      size: this.sizes[slot] as number,
      text: (this.chunks[slot] as Buffer).toString('utf8', offset, offset + (this.lengths[slot] as number)),
      binary: (flags & BINARY) !== 0,
      eventType: this.eventTypes[slot] as string | null,
    };
    const finding = this.findings?.get(seq);
    if (finding) frame.finding = finding;
    return frame;
  }

  /** Fills `slot`; returns what the budget is to count for the frame: `bytes`, less a shared text already held. */
  private write(slot: number, frame: FrameRecord, bytes: number, shared: SharedText | undefined): number {
    this.costs[slot] = bytes;
    this.seqs[slot] = frame.seq;
    this.ats[slot] = frame.at;
    this.sizes[slot] = frame.size;
    this.flags[slot] = flagsOf(frame);
    this.eventTypes[slot] = frame.eventType;
    let counted = bytes;
    if (shared === undefined) this.storeText(slot, frame.text);
    else if (this.storeBytes(slot, shared.utf8)) counted = this.hold(slot, frame.seq, shared, bytes);
    if (frame.finding) {
      this.findings ??= new Map();
      this.findings.set(frame.seq, frame.finding);
    }
    return counted;
  }

  /** The frame in `slot`, of `bytes`, keeps `shared`'s bytes themselves; returns what the budget is to count for it. */
  private hold(slot: number, seq: number, shared: SharedText, bytes: number): number {
    this.flags[slot] = (this.flags[slot] as number) | SHARED;
    this.shares ??= new Map();
    this.shares.set(seq, shared);
    shared.holders++;
    return shared.holders === 1 ? bytes : bytes - shared.retainedBytes;
  }

  /**
   * Keeps `text` as UTF-8 where `chunkFor` says, or in a buffer of its own. UTF-8 takes at most 3 bytes per UTF-16
   * unit: a text the current chunk surely has room for goes there without being measured first.
   */
  private storeText(slot: number, text: string): void {
    let chunk = this.chunk as Buffer;
    if (!this.hasRoom(3 * text.length)) {
      const length = Buffer.byteLength(text);
      chunk = this.chunkFor(length) ?? Buffer.allocUnsafeSlow(length);
    }
    const offset = chunk === this.chunk ? this.chunkUsed : 0;
    this.keep(slot, chunk, offset, chunk.write(text, offset, 'utf8'));
  }

  /** Keeps the UTF-8 `utf8` as it is when `chunkFor` gives it no chunk (says so), else copies it into the chunk. */
  private storeBytes(slot: number, utf8: Buffer): boolean {
    const chunk = this.chunkFor(utf8.length);
    if (chunk === undefined) {
      this.keep(slot, utf8, 0, utf8.length);
      return true;
    }
    this.keep(slot, chunk, this.chunkUsed, utf8.copy(chunk, this.chunkUsed));
    return false;
  }

  /**
   * Where a text of `length` UTF-8 bytes goes: none (undefined: a buffer of its own) when over OWN_BUFFER_BYTES,
   * else the current chunk when it has room, else a new one.
   */
  private chunkFor(length: number): Buffer | undefined {
    if (length > OWN_BUFFER_BYTES) return undefined;
    if (this.hasRoom(length)) return this.chunk;
    const last = this.chunk;
    const next = last === undefined ? FIRST_CHUNK_BYTES : Math.min(2 * last.length, MAX_CHUNK_BYTES);
    this.chunk = Buffer.allocUnsafeSlow(Math.max(next, length));
    this.chunkUsed = 0;
    return this.chunk;
  }

  /** Whether the current chunk has room for `length` more bytes. */
  private hasRoom(length: number): boolean {
    return this.chunk !== undefined && this.chunkUsed + length <= this.chunk.length;
  }

  /** `slot`'s text is `length` bytes of `chunk` from `offset`; in the current chunk, they are taken. */
  private keep(slot: number, chunk: Buffer, offset: number, length: number): void {
    if (chunk === this.chunk) this.chunkUsed = offset + length;
    this.chunks[slot] = chunk;
    this.offsets[slot] = offset;
    this.lengths[slot] = length;
  }

  private append(frame: FrameRecord, bytes: number, shared: SharedText | undefined): number {
    if (this.seqs === NONE) this.setColumns([], [], [], [], [], [], [], [], []);
    // Writing at the length appends (the arrays stay packed).
    return this.write(this.seqs.length, frame, bytes, shared);
  }

  /** Moves the frames to the front of fresh columns exactly their size (none when empty). */
  private linearise(): void {
    const slots = Array.from({ length: this.count }, (_, i) => (this.start + i) % this.seqs.length);
    this.start = 0;
    if (slots.length === 0) {
      this.setColumns(NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE);
      // The next frame starts small again: a log emptied by evictions may stay quiet.
      this.chunk = undefined;
      return;
    }
    this.setColumns(
      slots.map((slot) => this.seqs[slot] as number),
      slots.map((slot) => this.ats[slot] as number),
      slots.map((slot) => this.sizes[slot] as number),
      slots.map((slot) => this.flags[slot] as number),
      slots.map((slot) => this.eventTypes[slot] as string | null),
      slots.map((slot) => this.chunks[slot] as Buffer),
      slots.map((slot) => this.offsets[slot] as number),
      slots.map((slot) => this.lengths[slot] as number),
      slots.map((slot) => this.costs[slot] as number),
    );
  }

  private setColumns(
    seqs: number[],
    ats: number[],
    sizes: number[],
    flags: number[],
    eventTypes: (string | null)[],
    chunks: Buffer[],
    offsets: number[],
    lengths: number[],
    costs: number[],
  ): void {
    this.seqs = seqs;
    this.ats = ats;
    this.sizes = sizes;
    this.flags = flags;
    this.eventTypes = eventTypes;
    this.chunks = chunks;
    this.offsets = offsets;
    this.lengths = lengths;
    this.costs = costs;
  }
}

function directionOf(flags: number): FrameDirection {
  return flags & IN ? 'in' : 'out';
}

function flagsOf(frame: FrameRecord): number {
  return (frame.direction === 'in' ? IN : 0) | (frame.binary ? BINARY : 0);
}
