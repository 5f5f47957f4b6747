/** The first chunk's size: a connection that logs a few frames takes little. Chunks double up to `MAX_CHUNK`. */
const FIRST_CHUNK = 1024;
const MAX_CHUNK = 64 * 1024;

/**
 * Texts kept as UTF-8 bytes in append-only chunks outside the JavaScript heap, for a log that adds at one end and
 * drops at the other: a busy engine keeps hundreds of thousands of frame texts, and as strings each would be
 * copied by every young-generation collection it lived through and marked by every full one (the soak's longest
 * pauses). A text is addressed by its position in the stream of everything ever appended (`append` returns it;
 * positions only grow); a chunk is let go once everything still wanted starts past it (`releaseBefore`).
 */
export class Utf8Chunks {
  private chunks: Buffer[] = [];
  /** Stream position of each chunk's first byte. */
  private starts: number[] = [];
  /** Bytes used in the last chunk. */
  private used = 0;
  /** Where the next chunk starts: the end of the last one, also once every chunk has been let go. */
  private end = 0;

  /** Writes `text`, whose UTF-8 length (`Buffer.byteLength`) is `length`, and returns its position. */
  append(text: string, length: number): number {
    const last = this.chunks.length - 1;
    let chunk = this.chunks[last];
    if (chunk && chunk.length - this.used >= length) {
      const position = (this.starts[last] as number) + this.used;
      chunk.write(text, this.used, length, 'utf8');
      this.used += length;
      return position;
    }
    if (length === 0) return this.end;
    chunk = Buffer.allocUnsafeSlow(Math.max(length, chunk ? Math.min(MAX_CHUNK, chunk.length * 2) : FIRST_CHUNK));
    const position = this.end;
    this.chunks.push(chunk);
    this.starts.push(position);
    this.end += chunk.length;
    chunk.write(text, 0, length, 'utf8');
    this.used = length;
    return position;
  }

  /** The text at `position` (as `append` returned it), `length` bytes long. */
  read(position: number, length: number): string {
    if (length === 0) return '';
    // Few chunks, and reads are for the console: searching from the newest back is short enough.
    let index = this.chunks.length - 1;
    while (index > 0 && (this.starts[index] as number) > position) index--;
    const offset = position - (this.starts[index] as number);
    return (this.chunks[index] as Buffer).toString('utf8', offset, offset + length);
  }

  /** Lets go of the chunks that end at or before `position`: nothing still wanted starts before it. */
  releaseBefore(position: number): void {
    let drop = 0;
    while (
      drop < this.chunks.length &&
      (this.starts[drop] as number) + (this.chunks[drop] as Buffer).length <= position
    )
      drop++;
    if (drop === 0) return;
    this.chunks = this.chunks.slice(drop);
    this.starts = this.starts.slice(drop);
    if (this.chunks.length === 0) this.used = 0;
  }
}
