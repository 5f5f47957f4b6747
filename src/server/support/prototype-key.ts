import { pointerSegment } from './json-pointer';

/**
 * JSON from a client (an HTTP body, a socket frame, a console message) with a key named `__proto__` is refused.
 * `JSON.parse` keeps such a key as an own property, harmless there, but code that copies or merges the value by
 * assignment (`Object.assign`, a deep merge) would make it an object's prototype: refused rather than risk it
 * reaching such code (FastAPI takes it as any other key).
 */

/** The key in a JSON text, as written or with `\u` escapes in any of its letters (bourne's own test). */
const PROTOTYPE_KEY =
  /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/;

interface Step {
  key: string;
  parent: Step | undefined;
}

/**
 * Where the first key named `__proto__` in `value` (parsed from `text`, when there is one) is, as a JSON Pointer (`/items/1/__proto__`);
 * undefined when there is none. A hot path (every socket frame, every JSON body): a text that cannot spell the key —
 * neither `__proto__` nor a `\u` escape in it — costs two substring searches; only one that has it as a key is
 * walked, iteratively, each node linked to its parent so that only the pointer found is written out. Call it once
 * the value's depth was checked: the walk, and the pointer, are as deep as the value.
 */
export function prototypeKeyPointer(text: string | undefined, value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  // The word as a value (`"note": "__proto__"`) is no key: only a text that has one as a key is walked (a value
  // parsed elsewhere, with no text, always is).
  if (text !== undefined && (!(text.includes('__proto__') || text.includes('\\u')) || !PROTOTYPE_KEY.test(text)))
    return undefined;
  const stack: [object, Step | undefined][] = [[value, undefined]];
  while (stack.length > 0) {
    const [node, step] = stack.pop() as [object, Step | undefined];
    if (Object.hasOwn(node, '__proto__')) return pointer({ key: '__proto__', parent: step });
    // Last first onto the stack: children are looked into in the order they were sent.
    const entries = Object.entries(node);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as [string, unknown];
      if (child !== null && typeof child === 'object') stack.push([child, { key, parent: step }]);
    }
  }
  return undefined;
}

/** Longest pointer a refusal names whole; a longer one keeps its start and its end. */
const POINTER_SHOWN = 200;

/** The refusal of JSON with the key at `pointer` (`prototypeKeyPointer`); `what`: the JSON's name, if any. */
export function prototypeKeyRefusal(pointer: string, what?: string): string {
  const at = pointer.length > POINTER_SHOWN ? `${pointer.slice(0, 120)}…${pointer.slice(-60)}` : pointer;
  return `A key named "__proto__" is not accepted${what ? ` in ${what}` : ''} (at ${at}): rename the key`;
}

function pointer(last: Step): string {
  const keys: string[] = [];
  for (let step: Step | undefined = last; step; step = step.parent) keys.push(step.key);
  return keys
    .reverse()
    .map((key) => `/${pointerSegment(key)}`)
    .join('');
}
