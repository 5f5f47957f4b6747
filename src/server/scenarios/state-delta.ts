import fastJsonPatch, { type Operation } from 'fast-json-patch';
import type { JsonValue } from '../../shared/scenario';
import { jsonSize } from '../templates/json-size';

/**
 * The most a delta may make the thread's state, in characters of JSON: a `copy` doubles what it copies, so forty of
 * them made a state of a trillion values (out of memory, the engine gone).
 */
export const STATE_MAX_CHARACTERS = 1024 * 1024;

/**
 * The size (characters of JSON, as `jsonSize` counts them) of values measured here. A state is never changed in place
 * (a delta copies the containers on its way), so a size once known stays true: a delta costs what it touches, where
 * copying and measuring the whole state per delta held the engine for half a minute with a 0.5 MB state.
 */
const sizes = new WeakMap<object, number>();

/** The state after `delta`, or why it does not apply (as a scenario's delta that does not apply is reported). */
export function applyStateDelta(state: JsonValue, delta: unknown): { state: JsonValue } | { problem: string } {
  if (!Array.isArray(delta)) return { problem: 'STATE_DELTA delta is not an array of operations' };
  const draft = new StateDraft(state);
  for (const [index, operation] of (delta as Operation[]).entries()) {
    try {
      if (!draft.apply(operation, index))
        return {
          problem: `STATE_DELTA operation ${index} (${operation.op} ${operation.path}) would make the thread's state larger than ${STATE_MAX_CHARACTERS} characters of JSON`,
        };
    } catch (error) {
      return { problem: notApplying(index, operation, error) };
    }
  }
  return { state: draft.finish() };
}

function notApplying(index: number, operation: unknown, error: unknown): string {
  const { op, path } = (typeof operation === 'object' && operation !== null ? operation : {}) as {
    op?: unknown;
    path?: unknown;
  };
  const what = typeof operation === 'object' && operation !== null ? ` (${String(op)} ${String(path)})` : '';
  const why = String((error as { message?: string }).message ?? error)
    .split('\n')[0]
    ?.replace(/^\w+:\s*/, '');
  return `STATE_DELTA operation ${index}${what} does not apply to the thread's state: ${why}`;
}

/** Where an operation puts or takes a value: the whole state, or a key of a container in it. */
type Place = 'root' | { container: object; key: string } | undefined;

/**
 * One delta's state as its operations change it. A container is copied the first time an operation changes
 * something inside it and changed in place after that, so the state the delta started from stays as it was (runs,
 * recordings and checks keep it) and each operation costs what its path and value hold. fast-json-patch still does
 * the changing, so a delta means here what it means to a client applying it.
 */
class StateDraft {
  private document: JsonValue;
  private size: number;
  /** This delta's copies: the only containers it may change in place. */
  private drafts = new WeakSet<object>();

  constructor(state: JsonValue) {
    this.document = state;
    this.size = this.sizeOf(state);
  }

  /** Applies `operation`; false when it would make the state too large (then nothing of the delta counts). */
  apply(operation: Operation, index: number): boolean {
    fastJsonPatch.validator(operation, index);
    switch (operation.op) {
      case 'test':
        fastJsonPatch.applyOperation(this.document, operation, whereOnly, true, true, index);
        return true;
      case 'add':
      case 'replace':
        return this.put(operation.op, operation.path, operation.value, index);
      case 'remove':
        this.take(operation.path, index);
        return true;
      case 'copy': {
        const value = this.valueAt(operation, index);
        // The copy shares the value, so nothing of this delta may change it in place any more.
        if (typeof value === 'object' && value !== null && this.drafts.has(value)) this.drafts = new WeakSet();
        return this.put('add', operation.path, value, index);
      }
      case 'move': {
        if (operation.path.startsWith(`${operation.from}/`))
          throw new Error(`a value cannot be moved into itself ('${operation.from}' is a prefix of the path)`);
        const value = this.valueAt(operation, index);
        // As fast-json-patch moves: the way to `path` checked before, then a remove and an unchecked add.
        fastJsonPatch.applyOperation(this.document, { op: '_get', path: operation.path, value: undefined }, noCheck);
        this.take(operation.from, index);
        return this.put('add', operation.path, value, index, false);
      }
      default:
        throw new Error('Operation `op` property is not one of operations defined in RFC-6902');
    }
  }

  finish(): JsonValue {
    if (typeof this.document === 'object' && this.document !== null) sizes.set(this.document, this.size);
    return this.document;
  }

  private put(op: 'add' | 'replace', path: string, value: unknown, index: number, checked = true): boolean {
    const place = this.placeOf(path);
    let growth = 0;
    if (place === 'root') growth = this.sizeOf(value) - this.size;
    else if (place) {
      // An array's `add` inserts; anything else puts the value in the place of what is there.
      const old = op === 'add' && Array.isArray(place.container) ? undefined : existing(place);
      growth = this.sizeOf(value) - (old === undefined ? -entryOverhead(place) : this.sizeOf(old));
    }
    if (growth > 0 && this.size + growth > STATE_MAX_CHARACTERS) return false;
    const operation = { op, path, value };
    this.document = fastJsonPatch.applyOperation(this.document, operation, checked && whereOnly, true, true, index)
      .newDocument as JsonValue;
    this.size += growth;
    return true;
  }

  private take(path: string, index: number): void {
    const place = this.placeOf(path);
    let growth = 0;
    if (place === 'root') growth = this.sizeOf(null) - this.size;
    else if (place) {
      const old = existing(place);
      if (old !== undefined) growth = -this.sizeOf(old) - entryOverhead(place);
    }
    this.document = fastJsonPatch.applyOperation(this.document, { op: 'remove', path }, whereOnly, true, true, index)
      .newDocument as JsonValue;
    this.size += growth;
  }

  /** The value at a `copy` or `move`'s `from`; throws as fast-json-patch does where there is none. */
  private valueAt(operation: Operation & { from: string }, index: number): unknown {
    let value: unknown = this.document;
    for (const key of keysOf(operation.from)) {
      value = typeof value === 'object' && value !== null ? child(value, key) : undefined;
      if (value === undefined) break;
    }
    if (value === undefined)
      throw new fastJsonPatch.JsonPatchError(
        'Cannot perform the operation from a path that does not exist',
        'OPERATION_FROM_UNRESOLVABLE',
        index,
        operation,
        undefined,
      );
    return value;
  }

  /**
   * The container `path` names a key of, with it and every container above it made this delta's own (copied once).
   * Undefined where the way does not exist: applying the operation then says why.
   */
  private placeOf(path: string): Place {
    if (path === '') return 'root';
    const keys = keysOf(path);
    if (typeof this.document !== 'object' || this.document === null) return undefined;
    let container = this.own(this.document);
    this.document = container as JsonValue;
    for (const key of keys.slice(0, -1)) {
      const next = child(container, key);
      if (typeof next !== 'object' || next === null) return undefined;
      const copy = this.own(next);
      if (copy !== next) (container as Record<string, unknown>)[key] = copy;
      container = copy;
    }
    return { container, key: keys.at(-1) as string };
  }

  private own(container: object): object {
    if (this.drafts.has(container)) return container;
    const copy = Array.isArray(container) ? container.slice() : { ...container };
    this.drafts.add(copy);
    return copy;
  }

  private sizeOf(value: unknown): number {
    const object = typeof value === 'object' && value !== null ? value : undefined;
    const known = object && sizes.get(object);
    if (known !== undefined) return known;
    const size = Number.MAX_SAFE_INTEGER - jsonSize(value, Number.MAX_SAFE_INTEGER);
    // This delta's own containers may still change; anything else never does.
    if (object && !this.drafts.has(object)) sizes.set(object, size);
    return size;
  }
}

/** fast-json-patch's checks of where an operation applies; its shape and value were checked before. */
const whereOnly = (operation: Operation, index: number, document: unknown, existingPath: string): void =>
  fastJsonPatch.validator(
    { op: operation.op, path: operation.path, value: null } as Operation,
    index,
    document,
    existingPath,
  );

/** Only the checks fast-json-patch makes on the way to a path (an array's keys, containers on the way). */
const noCheck = (): void => {};

function keysOf(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map(fastJsonPatch.unescapePathComponent);
}

/** A container's own value at `key` (an array's by index; never an inherited or prototype key). */
function child(container: object, key: string): unknown {
  if (Array.isArray(container)) return /^\d+$/.test(key) ? container[Number(key)] : undefined;
  if (key === '__proto__' || !Object.hasOwn(container, key)) return undefined;
  return (container as Record<string, unknown>)[key];
}

function existing(place: { container: object; key: string }): unknown {
  return child(place.container, place.key);
}

/** What an entry costs its container beside its value, as `jsonSize` counts: a comma, or a key with quotes and colon. */
function entryOverhead(place: { container: object; key: string }): number {
  return Array.isArray(place.container) ? 1 : place.key.length + 4;
}
