/** An array or object being written: its members, the next one to write, and their keys for an object. */
interface OpenValue {
  readonly values: readonly unknown[];
  /** Object keys, in the order of `values`; undefined for an array. */
  readonly keys: readonly string[] | undefined;
  next: number;
}

/**
 * The start of `value`'s JSON text, at most `maxChars` characters, and whether that is all of it. Written
 * without recursion and stopping once the excerpt is full, so a huge or deeply nested value (hostile input
 * echoed back in an error) costs about as much as the excerpt, never a stack overflow. Follows JSON.stringify
 * for plain data: non-finite numbers and unrepresentable array members become `null`, unrepresentable object
 * members are left out; a BigInt is written as a string.
 */
export function jsonExcerpt(value: unknown, maxChars: number): { text: string; complete: boolean } {
  let text = '';
  const full = () => text.length > maxChars;
  const open: OpenValue[] = [];
  let pending: unknown = value;
  let hasPending = true;
  while (!full()) {
    if (hasPending) {
      hasPending = false;
      const item = pending;
      if (item !== null && typeof item === 'object') {
        const isArray = Array.isArray(item);
        const keys = isArray ? undefined : Object.keys(item).filter((key) => representable((item as never)[key]));
        text += isArray ? '[' : '{';
        open.push({
          values: isArray ? item : (keys as string[]).map((key) => (item as Record<string, unknown>)[key]),
          keys,
          next: 0,
        });
      } else {
        text += scalar(item, maxChars - text.length + 1);
      }
      continue;
    }
    const current = open.at(-1);
    if (!current) return { text, complete: true };
    if (current.next >= current.values.length) {
      text += current.keys ? '}' : ']';
      open.pop();
      continue;
    }
    if (current.next > 0) text += ',';
    if (current.keys) text += `${scalar(current.keys[current.next], maxChars - text.length + 1)}:`;
    pending = current.values[current.next++];
    hasPending = true;
  }
  return { text: text.slice(0, maxChars), complete: false };
}

function representable(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

/** A scalar's JSON; a long string is cut first (to `room` characters, enough to fill the excerpt). */
function scalar(value: unknown, room: number): string {
  if (typeof value === 'string') return JSON.stringify(value.length > room ? value.slice(0, room) : value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return JSON.stringify(String(value));
  return 'null';
}
