import { setImmediate } from 'node:timers/promises';
import type { Workspace } from '../../shared/workspace';
import { fileDocument } from './workspace-file-document';

/** A value as `JSON.stringify(value, null, 2)` writes it at no indent: its UTF-8 bytes and its line breaks. */
export interface Written {
  bytes: number;
  breaks: number;
}

/**
 * How deep measuring opens objects and arrays; below, a value is stringified whole. Deep enough to reach the things
 * a world holds many of, which are measured once each: a history message (document, packs, a pack, its data,
 * sessions, a session, its history, a message), a record, a route, a scenario.
 */
const LEVELS = 8;

const NULL: Written = { bytes: 4, breaks: 0 };

/**
 * The size of a workspace's file in bytes, exactly what `encodeWorkspace` would write, without writing it: a
 * control API edit is weighed by it before anything is stored (`WorkspaceService.checkRoom`).
 *
 * Why not encode the world on each edit: near 64 MiB that is hundreds of milliseconds for every small edit. Each
 * object measured is remembered here by identity instead, since the document's values are frozen or replaced, never
 * changed in place (`WorkspaceService.document`): measuring the world again after an edit costs a lookup per route,
 * record, session or message, and stringifying only what is new (the edited item). A value written `n` spaces in
 * takes its bytes plus `n` per line break (each break is followed by the indent), so one measure serves any depth.
 */
export class DocumentBytes {
  private readonly sizes = new WeakMap<object, Written>();

  of(workspace: Workspace): number {
    // The final newline the file ends with.
    return (this.written(fileDocument(workspace), LEVELS) ?? NULL).bytes + 1;
  }

  /**
   * `of`, a few milliseconds of measuring per turn of the event loop (a save making room, rare: a 64 MiB world takes
   * hundreds of milliseconds to measure): its pieces are measured deepest first, each remembered, so the `of` that
   * ends it only adds them up. Pass a snapshot (`WorkspaceService.document`), whose values do not change meanwhile.
   */
  async ofPaced(workspace: Workspace): Promise<number> {
    let turn = performance.now();
    for (const [value, levels] of piecesDeepestFirst(fileDocument(workspace), LEVELS)) {
      this.written(value, levels);
      if (performance.now() - turn > PACE_MS) {
        await setImmediate();
        turn = performance.now();
      }
    }
    return this.of(workspace);
  }

  /**
   * What `value` takes in the file as one item of an array whose items the file indents `level` deep (the document's
   * own members are level 1), as `itemFileBytes` counts it, remembered as `of` remembers what it measured.
   */
  item(value: unknown, level: number): number {
    return asItem(this.written(value, LEVELS - level) ?? NULL, level);
  }

  /** Undefined for what JSON leaves out of an object (undefined, a function), as `JSON.stringify` gives none. */
  private written(value: unknown, levels: number): Written | undefined {
    if (typeof value !== 'object' || value === null) return textSize(JSON.stringify(value));
    const known = this.sizes.get(value);
    if (known) return known;
    const size =
      levels > 0 && typeof (value as { toJSON?: unknown }).toJSON !== 'function'
        ? this.container(value, levels - 1)
        : indentedJsonSize(value);
    if (size) this.sizes.set(value, size);
    return size;
  }

  /**
   * An object or array as `JSON.stringify(value, null, 2)` lays it out: `[`, then each item on a line of its own two
   * spaces in, `,` between them, and `]` on a line of its own (`{`, `"key": value`, `}` likewise); empty, `[]`.
   */
  private container(value: object, levels: number): Written {
    let bytes = 0;
    let breaks = 0;
    let items = 0;
    const add = (item: Written, prefix: number) => {
      // A line break and two spaces before it, a comma after the one before; its own breaks indented two more.
      bytes += prefix + 3 + (items > 0 ? 1 : 0) + item.bytes + 2 * item.breaks;
      breaks += 1 + item.breaks;
      items++;
    };
    if (Array.isArray(value)) {
      // What JSON cannot hold is null in an array.
      for (const item of value as unknown[]) add(this.written(item, levels) ?? NULL, 0);
      if (items === 0) return { bytes: 2, breaks: 0 };
    } else {
      for (const key of Object.keys(value)) {
        const item = this.written((value as Record<string, unknown>)[key], levels);
        // …and left out of an object. `"key": ` before it.
        if (item) add(item, Buffer.byteLength(JSON.stringify(key)) + 2);
      }
      if (items === 0) return { bytes: 2, breaks: 0 };
    }
    // The brackets, and the line break before the closing one.
    return { bytes: bytes + 3, breaks: breaks + 1 };
  }
}

/** How long `ofPaced` measures before it lets the engine serve. */
const PACE_MS = 10;

/** The objects and arrays `written` opens or stringifies below `value`, each after those inside it, with its levels. */
function* piecesDeepestFirst(value: unknown, levels: number): Generator<[object, number]> {
  if (typeof value !== 'object' || value === null) return;
  if (levels > 0 && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    for (const item of Object.values(value)) yield* piecesDeepestFirst(item, levels - 1);
  }
  yield [value, levels];
}

/** `value` as `JSON.stringify(value, null, 2)` writes it (undefined where JSON writes nothing), without its indent. */
export function indentedJsonSize(value: unknown): Written | undefined {
  return textSize(JSON.stringify(value, null, 2));
}

function textSize(text: string | undefined): Written | undefined {
  if (text === undefined) return undefined;
  let breaks = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) breaks++;
  return { bytes: Buffer.byteLength(text), breaks };
}

/**
 * What `value` adds to a workspace file as one item of an array whose items the file indents `level` deep (the
 * document's own members are level 1): a line break and the indent before it, a comma after it, and its own lines
 * indented as deep. For what clients write, measured once per write.
 */
export function itemFileBytes(value: unknown, level: number): number {
  return asItem(indentedJsonSize(value) ?? NULL, level);
}

/** What a value `written` at no indent takes as an item `level` deep (see `itemFileBytes`). */
function asItem(written: Written, level: number): number {
  return 2 + 2 * level + written.bytes + 2 * level * written.breaks;
}
