/** One JSON pointer segment as the key it names (RFC 6901: `~1` is `/`, then `~0` is `~`). */
export function pointerKey(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** The keys a JSON pointer (`/a/0/b~1c`) walks, in order; none for `""`, the whole document. */
export function pointerKeys(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map(pointerKey);
}

/** A key as a JSON pointer segment writes it (`b/c` is `b~1c`). */
export function pointerSegment(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
