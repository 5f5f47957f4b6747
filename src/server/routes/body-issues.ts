import type { ValidationIssue } from '../http/http-errors';
import type { RequestBody } from '../http/request-body';

/**
 * Why a body cannot be checked against a JSON Schema, in FastAPI's words: missing (when required), not valid
 * JSON (`json_invalid` where Python's decoder stopped), or of a kind that has no value to check. Undefined when
 * there is a value to check: JSON, text (FastAPI checks a non-JSON body as the text it is: a model answers
 * `model_attributes_type` with the text as input), and form fields unless `jsonOnly`.
 */
export function bodyIssue(
  body: RequestBody,
  options: { required: boolean; jsonOnly: boolean },
): ValidationIssue | undefined {
  switch (body.kind) {
    case 'none':
      return options.required ? { type: 'missing', loc: ['body'], msg: 'Field required', input: null } : undefined;
    case 'invalid-json': {
      // Python decodes what only NaN or Infinity made JSON.parse refuse: no place to name then.
      const stop = pythonJsonError(body.text);
      return {
        type: 'json_invalid',
        loc: stop ? ['body', stop.at] : ['body'],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: stop?.msg ?? body.error },
      };
    }
    case 'json':
    case 'text':
      return undefined;
    case 'form':
      return options.jsonOnly ? notJson('form fields') : undefined;
    case 'unread':
      return notJson(body.contentType);
  }
}

function notJson(what: string): ValidationIssue {
  return {
    type: 'model_attributes_type',
    loc: ['body'],
    msg: `Input should be a valid dictionary or object to extract fields from (send the body as application/json, not ${what})`,
    input: null,
  };
}

/** Python also reads NaN and the infinities, which JSON.parse refuses. */
const PYTHON_WORDS = ['null', 'true', 'false', 'NaN', 'Infinity', '-Infinity'];
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const ASTRAL = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/**
 * Where Python's `json.loads` (FastAPI's decoder) stops on `text` and what it says — FastAPI's `loc` index (in
 * characters, as Python counts them) and `ctx.error`; undefined when Python decodes it. V8's messages differ and often
 * give no position. Iterative: a body of nested brackets must not exhaust the stack. Runs only for a malformed body.
 */
export function pythonJsonError(text: string): { msg: string; at: number } | undefined {
  let i = 0;
  const stop = (msg: string, at: number) => {
    throw new PythonJsonStop(msg, at);
  };
  const whitespace = () => {
    while (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r') i++;
  };
  const string = () => {
    const begin = i++;
    for (;;) {
      if (i >= text.length) stop('Unterminated string starting at', begin);
      const code = text.charCodeAt(i++);
      if (code === 0x22) return;
      if (code < 0x20) stop('Invalid control character at', i - 1);
      if (code !== 0x5c) continue;
      if (i >= text.length) stop('Unterminated string starting at', begin);
      const escaped = text[i++];
      if (escaped !== 'u') {
        if (!'"\\/bfnrt'.includes(escaped ?? '')) stop('Invalid \\escape', i - 2);
      } else if (i + 4 >= text.length || !HEX4.test(text.slice(i, i + 4))) stop('Invalid \\uXXXX escape', i - 1);
      else i += 4;
    }
  };
  const key = () => {
    if (text[i] !== '"') stop('Expecting property name enclosed in double quotes', i);
    string();
    whitespace();
    if (text[i] !== ':') stop("Expecting ':' delimiter", i);
    i++;
    whitespace();
  };
  const scalar = () => {
    if (text[i] === '"') return string();
    for (const word of PYTHON_WORDS)
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) stop('Expecting value', i);
    i = NUMBER.lastIndex;
  };
  try {
    const open: string[] = [];
    whitespace();
    for (;;) {
      const first = text[i];
      if (first === '{' || first === '[') {
        const close = first === '{' ? '}' : ']';
        i++;
        whitespace();
        if (text[i] === close) i++;
        else {
          open.push(close);
          if (first === '{') key();
          continue;
        }
      } else scalar();
      // A value ended: close what it ended, or go on after a comma.
      for (;;) {
        const close = open.at(-1);
        whitespace();
        if (close === undefined) {
          if (i < text.length) stop('Extra data', i);
          return undefined;
        }
        if (text[i] === close) {
          i++;
          open.pop();
          continue;
        }
        if (text[i] !== ',') stop("Expecting ',' delimiter", i);
        i++;
        whitespace();
        if (close === '}') key();
        break;
      }
    }
  } catch (error) {
    if (!(error instanceof PythonJsonStop)) throw error;
    // Python counts characters, JavaScript UTF-16 units: a character beyond the BMP is one, not two.
    const astral = text.slice(0, error.at).match(ASTRAL)?.length ?? 0;
    return { msg: error.message, at: error.at - astral };
  }
}

class PythonJsonStop extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}
