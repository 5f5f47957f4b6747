import type { JsonObject, JsonValue } from '../../../shared/json-value';
import { siftDown } from '../../support/binary-heap';

/**
 * The order of a collection's values, for `_sort` and the `_gte`/`_lte` filters: values that read as a number
 * (numbers, numeric text such as "42", booleans as 0 and 1) come first, as numbers; then the others by their text
 * (strings as they are, objects, lists and null as JSON), compared character code by character code as JavaScript's
 * `<` does (`B` before `a`), not by a locale; records without the field come last whichever the direction.
 */

/** A value as filters and the sort read it as text: strings as they are, anything else as JSON. */
export function asText(value: JsonValue | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The number a value reads as, NaN for none: an object, a list, null, blank text or text that is no number. */
function numberOf(value: JsonValue): number {
  if (value === null || typeof value === 'object') return Number.NaN;
  if (typeof value === 'string' && value.trim() === '') return Number.NaN;
  return Number(value);
}

/** Negative, zero or positive as `left` comes before, with or after `right` (the filters' `_gte` and `_lte`). */
export function compareValues(left: JsonValue, right: JsonValue): number {
  const leftNumber = numberOf(left);
  const rightNumber = numberOf(right);
  const leftIsNumber = !Number.isNaN(leftNumber);
  if (leftIsNumber !== !Number.isNaN(rightNumber)) return leftIsNumber ? -1 : 1;
  if (leftIsNumber) return leftNumber < rightNumber ? -1 : leftNumber > rightNumber ? 1 : 0;
  const leftText = asText(left);
  const rightText = asText(right);
  return leftText < rightText ? -1 : leftText > rightText ? 1 : 0;
}

/** A sort field, read from a record, and its direction: 1 ascending, -1 descending. */
export interface SortField {
  read(record: JsonObject): JsonValue | undefined;
  sign: 1 | -1;
}

const NUMBER = 0;
const TEXT = 1;
const MISSING = 2;

/** One field of every record, read once (decorate–sort–undecorate): its kind, and its number or its text. */
interface SortColumn {
  sign: 1 | -1;
  kinds: Uint8Array;
  numbers: Float64Array;
  texts: string[];
}

/** How two rows compare on one column: missing last either way, numbers before texts, then by number or text. */
function columnOrder({ sign, kinds, numbers, texts }: SortColumn): (a: number, b: number) => number {
  return (a, b) => {
    const kind = kinds[a] as number;
    const other = kinds[b] as number;
    if (kind !== other) {
      if (kind === MISSING) return 1;
      if (other === MISSING) return -1;
      return sign * (kind - other);
    }
    if (kind === NUMBER) {
      const left = numbers[a] as number;
      const right = numbers[b] as number;
      return left < right ? -sign : left > right ? sign : 0;
    }
    if (kind === MISSING) return 0;
    const left = texts[a] as string;
    const right = texts[b] as string;
    return left < right ? -sign : left > right ? sign : 0;
  };
}

function sortColumn(items: readonly JsonObject[], { read, sign }: SortField): SortColumn {
  const kinds = new Uint8Array(items.length);
  const numbers = new Float64Array(items.length);
  const texts = new Array<string>(items.length).fill('');
  for (let row = 0; row < items.length; row++) {
    const value = read(items[row] as JsonObject);
    if (value === undefined) {
      kinds[row] = MISSING;
      continue;
    }
    const number = numberOf(value);
    if (Number.isNaN(number)) {
      kinds[row] = TEXT;
      texts[row] = asText(value);
    } else numbers[row] = number;
  }
  return { sign, kinds, numbers, texts };
}

/**
 * The records in the fields' order, the first `count` of them when given (a page needs no more). Stable: records
 * alike in every field keep their order. Each field of each record is read once, and records compare by plain
 * number and text comparisons on what was read: reading fields and comparing text by locale in each of the
 * n·log n comparisons held the engine 2 to 4 s for 600,000 records (the collections' room). For an early page of a
 * large list, the first `count` are picked in one pass over the records instead of sorting them all (firstRows).
 */
export function sortRecords(items: readonly JsonObject[], fields: readonly SortField[], count?: number): JsonObject[] {
  const columns = fields.map((field) => columnOrder(sortColumn(items, field)));
  const [only] = columns;
  // The record's place before sorting breaks ties: a total order, so picking the first few agrees with sorting all.
  const order =
    columns.length === 1 && only
      ? (a: number, b: number) => only(a, b) || a - b
      : (a: number, b: number) => {
          for (const column of columns) {
            const result = column(a, b);
            if (result !== 0) return result;
          }
          return a - b;
        };
  const wanted = Math.min(count ?? items.length, items.length);
  const rows = wanted * wanted <= items.length ? firstRows(items.length, wanted, order) : allRows(items.length, order);
  return Array.from(rows, (row) => items[row] as JsonObject);
}

function allRows(length: number, order: (a: number, b: number) => number): Uint32Array {
  const rows = new Uint32Array(length);
  for (let row = 0; row < length; row++) rows[row] = row;
  return rows.sort(order);
}

/**
 * The first `count` rows in `order`, in order, in one pass: a max-heap of the best so far, whose worst (its root)
 * each further row must beat to get in — in a large list most rows are turned away by that one comparison. Used
 * for a count of at most √n: a list already in the opposite order sends every row into the heap, n·log(count)
 * comparisons, which is then no more than sorting it all.
 */
function firstRows(length: number, count: number, order: (a: number, b: number) => number): number[] {
  // A max-heap in binary-heap's min-heap moves: the row that comes later is the one nearer the root.
  const isLater = (a: number, b: number) => order(a, b) > 0;
  const heap = Array.from({ length: count }, (_, row) => row);
  for (let at = (count >> 1) - 1; at >= 0; at--) siftDown(heap, at, isLater);
  for (let row = count; row < length && count > 0; row++) {
    if (order(row, heap[0] as number) >= 0) continue;
    heap[0] = row;
    siftDown(heap, 0, isLater);
  }
  return heap.sort(order);
}
