import type { FrameRecord } from '../../../../shared/connections';
import { frameMemo } from './frame-memo';

const PARSED = Symbol('parsed frame');

/** A frame's JSON, parsed once: frames are immutable, so the parse is kept with the record. */
export function parsedFrame(frame: FrameRecord): Record<string, unknown> | null {
  return frameMemo(PARSED, frame, () => {
    if (frame.binary) return null;
    try {
      const value: unknown = JSON.parse(frame.text);
      return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    } catch {
      // Not JSON: the inspector shows the raw text.
      return null;
    }
  });
}

export function stringField(event: Record<string, unknown> | null, field: string): string | null {
  const value = event?.[field];
  return typeof value === 'string' ? value : null;
}

/** Strings longer than this are left as they are: parsing megabytes on a click is not worth it. */
const MAX_NESTED_JSON_CHARS = 1_000_000;
/** How deep the walk goes (JSON inside strings inside JSON…): far beyond any real payload. */
const MAX_NESTED_DEPTH = 64;

export interface NestedJson {
  /** The value with every string that holds a JSON object or array replaced by that value. */
  value: unknown;
  /** Where such strings were, as dotted paths (`content`, `value.delta`, `messages.0.content`). */
  paths: string[];
}

/**
 * Tool arguments and results travel as JSON inside strings (`TOOL_CALL_RESULT.content`, a whole
 * `TOOL_CALL_ARGS.delta`): shown parsed, they read as JSON instead of a wall of escapes.
 */
export function withNestedJson(value: unknown): NestedJson {
  const paths: string[] = [];
  const walk = (node: unknown, path: string, depth: number): unknown => {
    if (depth > MAX_NESTED_DEPTH) return node;
    if (typeof node === 'string') {
      const inner = parseJsonString(node);
      if (inner === undefined) return node;
      paths.push(path);
      return walk(inner, path, depth + 1);
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, join(path, String(index)), depth + 1));
    if (node && typeof node === 'object')
      return Object.fromEntries(
        Object.entries(node).map(([key, item]) => [key, walk(item, join(path, key), depth + 1)]),
      );
    return node;
  };
  const expanded = walk(value, '', 0);
  return { value: paths.length > 0 ? expanded : value, paths };
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** The object or array a string holds as JSON, or undefined. */
export function parseJsonString(text: string): unknown {
  if (text.length < 2 || text.length > MAX_NESTED_JSON_CHARS) return undefined;
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
