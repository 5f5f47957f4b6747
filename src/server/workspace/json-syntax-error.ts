/**
 * Where a JSON text stops being valid, as line and column (1-based), for messages people can act on.
 * JSON.parse's own messages carry a position only in some Node versions, so the text is scanned here
 * (only after JSON.parse failed, so speed does not matter).
 */
export interface JsonSyntaxProblem {
  offset: number;
  line: number;
  column: number;
  problem: string;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}

export function locateJsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  try {
    scan(text);
    return undefined;
  } catch (error) {
    // Only a Stop is expected: the scan keeps its own stack (no recursion, whatever the nesting), so anything else
    // is a bug here, and a message without a place is still better than an error where a syntax error was wanted.
    if (!(error instanceof Stop)) return undefined;
    return { offset: error.offset, ...lineAndColumn(text, error.offset), problem: error.problem };
  }
}

/**
 * Walks the text as JSON and throws a Stop where it stops being valid. Iterative: the containers still open are an
 * explicit stack, so a file nested many thousands of levels deep is scanned like any other.
 */
function scan(text: string): void {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const describe = (expected: string) =>
    i >= text.length
      ? `unexpected end of file, expected ${expected} (the file looks truncated)`
      : `unexpected ${JSON.stringify(text[i])}, expected ${expected}`;
  const literal = () => {
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    throw new Stop(i, describe('a value'));
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) throw new Stop(i, 'unexpected end of file inside a string (the file looks truncated)');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw new Stop(i, 'control character inside a string (escape it, e.g. \\n)');
      if (c === 0x5c) {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i, 'bad \\u escape in a string');
          i += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) throw new Stop(i, 'bad escape in a string');
        i += 2;
        continue;
      }
      i++;
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) throw new Stop(i, describe('a number'));
    i += match[0].length;
  };
  /** A property name and its colon, after `{` or `,` in an object. */
  const key = () => {
    ws();
    if (text[i] !== '"') throw new Stop(i, describe('a property name in double quotes'));
    string();
    ws();
    if (text[i] !== ':') throw new Stop(i, describe("':'"));
    i++;
  };
  /** The objects (`{`) and arrays (`[`) open around the current position, innermost last. */
  const open: string[] = [];
  for (;;) {
    // A value: a scalar, or the opening of a container (then its first member, or its end at once).
    ws();
    const c = text[i];
    let opened = false;
    if (c === '{' || c === '[') {
      i++;
      ws();
      const close = c === '{' ? '}' : ']';
      if (text[i] === close) i++;
      else {
        open.push(c);
        if (c === '{') key();
        opened = true;
      }
    } else if (c === '"') string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else literal();
    if (opened) continue;
    // After a value: the next member of the container it is in, or the container's end (maybe several).
    for (;;) {
      const container = open.at(-1);
      if (container === undefined) {
        ws();
        if (i < text.length) throw new Stop(i, describe('the end of the file'));
        return;
      }
      ws();
      const close = container === '{' ? '}' : ']';
      if (text[i] === ',') {
        i++;
        if (container === '{') key();
        break;
      }
      if (text[i] === close) {
        i++;
        open.pop();
        continue;
      }
      throw new Stop(i, describe(container === '{' ? "',' or '}'" : "',' or ']'"));
    }
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
