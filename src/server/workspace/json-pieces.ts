/**
 * `JSON.stringify(value, null, 2)` produced piece by piece, so a big value never becomes one long synchronous
 * step: objects and arrays are opened `levels` deep, and what lies below is one `JSON.stringify` each (a history
 * message, a user's preferences), re-indented for its depth. Concatenated, the pieces are exactly the text
 * `JSON.stringify(value, null, 2)` returns — same key order, same indentation, same escapes — because JSON text
 * never holds a raw line break inside a string, so every line break is indentation the re-indent may extend.
 * Nothing is yielded for a value JSON cannot hold (undefined, a function).
 */
export function* jsonPieces(value: unknown, levels: number): Generator<string> {
  if (opens(value, levels)) yield* containerPieces(value, '', levels);
  else {
    const text = leafText(value, '');
    if (text !== undefined) yield text;
  }
}

function* containerPieces(value: object, indent: string, levels: number): Generator<string> {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return yield '[]';
    yield '[';
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      yield `${index === 0 ? '' : ','}\n${inner}`;
      // As JSON.stringify does: what JSON cannot hold becomes null in an array…
      if (opens(item, levels - 1)) yield* containerPieces(item, inner, levels - 1);
      else yield leafText(item, inner) ?? 'null';
    }
    return yield `\n${indent}]`;
  }
  let first = true;
  for (const key of Object.keys(value)) {
    const item: unknown = (value as Record<string, unknown>)[key];
    const prefix = `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
    if (opens(item, levels - 1)) {
      yield prefix;
      yield* containerPieces(item, inner, levels - 1);
    } else {
      const text = leafText(item, inner);
      // …and is left out of an object.
      if (text === undefined) continue;
      yield prefix + text;
    }
    first = false;
  }
  yield first ? '{}' : `\n${indent}}`;
}

/** One `JSON.stringify`, its inner lines indented for where it stands; undefined where JSON.stringify gives none. */
function leafText(value: unknown, indent: string): string | undefined {
  const text: string | undefined = JSON.stringify(value, null, 2);
  return text === undefined || indent === '' ? text : text.replaceAll('\n', `\n${indent}`);
}

/** Plain objects and arrays above the last level are written part by part; anything with toJSON as a whole. */
function opens(value: unknown, levels: number): value is object {
  return (
    levels > 0 &&
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}
