import { prototypeKeyPointer, prototypeKeyRefusal } from '../support/prototype-key';
import type { RequestBody } from './request-body';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
/** U+FFFD as UTF-8: a replacement character the client sent itself. */
const SENT_REPLACEMENT = Buffer.from('\uFFFD');

/**
 * A JSON body's text: its bytes as UTF-8, a byte order mark before them dropped (as Python's `json.loads` does);
 * undefined when they are not UTF-8 — FastAPI refuses those rather than read them with replacement characters.
 */
export function jsonText(bytes: Buffer): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The 400's detail for JSON bytes that are not UTF-8 (`jsonText` undefined): the first byte that is not, and where. */
export function notUtf8Detail(bytes: Buffer): string {
  const at = firstNonUtf8Byte(bytes);
  const byte = (bytes[at] ?? 0).toString(16).padStart(2, '0');
  return `Request body is not valid UTF-8 (byte 0x${byte} at offset ${at}): send JSON encoded as UTF-8`;
}

/**
 * The offset of the first byte of `bytes` that is not UTF-8. Read leniently, each such sequence is a U+FFFD; the
 * text before the first that the client did not send itself is valid UTF-8, so its UTF-8 length is the offset.
 * Only for bytes known not to be UTF-8: it runs once per refused body.
 */
function firstNonUtf8Byte(bytes: Buffer): number {
  const text = bytes.toString('utf8');
  let offset = 0;
  let from = 0;
  for (let at = text.indexOf('\uFFFD'); at !== -1; at = text.indexOf('\uFFFD', from)) {
    offset += Buffer.byteLength(text.slice(from, at));
    if (!bytes.subarray(offset, offset + SENT_REPLACEMENT.length).equals(SENT_REPLACEMENT)) return offset;
    offset += SENT_REPLACEMENT.length;
    from = at + 1;
  }
  return offset;
}

/** A JSON body's text parsed; malformed JSON is `invalid-json` with the parser's message. */
export function parseRequestJson(text: string): RequestBody {
  try {
    return { kind: 'json', value: JSON.parse(text) };
  } catch (error) {
    const message = (error as Error).message;
    return { kind: 'invalid-json', text, error: message, detail: `Malformed JSON in request body: ${message}` };
  }
}

/**
 * The body, or `invalid-json` when it has a key named `__proto__` (see `prototypeKeyPointer`; asked once its depth
 * was checked). `detail` is what a route that needs JSON answers with it (400).
 */
export function refusingPrototypeKey(read: Extract<RequestBody, { kind: 'json' }>, text: string): RequestBody {
  const at = prototypeKeyPointer(text, read.value);
  if (at === undefined) return read;
  const refusal = prototypeKeyRefusal(at, 'a JSON body');
  return { kind: 'invalid-json', text, error: refusal, detail: refusal };
}
