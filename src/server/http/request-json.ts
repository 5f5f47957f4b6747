import { prototypeKeyPointer, prototypeKeyRefusal } from '../support/prototype-key';
import type { RequestBody } from './request-body';

/** The encodings a JSON body is read in, as Python's `json.loads` reads bytes (FastAPI's `request.json()`). */
type JsonEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const STRICT_UTF16 = {
  'utf-16le': new TextDecoder('utf-16le', { fatal: true }),
  'utf-16be': new TextDecoder('utf-16be', { fatal: true }),
};
/** U+FFFD as UTF-8: a replacement character the client sent itself. */
const SENT_REPLACEMENT = Buffer.from('\uFFFD');

/**
 * The encoding of a JSON body's bytes as Python's `json.detect_encoding` tells it: a byte order mark, else where the
 * first bytes are zero (JSON text starts with ASCII), else UTF-8.
 */
function jsonEncoding(b: Buffer): JsonEncoding {
  if (b.length >= 4 && b.readUInt32BE(0) === 0x0000feff) return 'utf-32be';
  if (b.length >= 4 && b.readUInt32BE(0) === 0xfffe0000) return 'utf-32le';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b.length >= 4) {
    if (!b[0]) return b[1] ? 'utf-16be' : 'utf-32be';
    if (!b[1]) return b[2] || b[3] ? 'utf-16le' : 'utf-32le';
  } else if (b.length === 2) {
    if (!b[0]) return 'utf-16be';
    if (!b[1]) return 'utf-16le';
  }
  return 'utf-8';
}

/**
 * A JSON body's text, read as Python's `json.loads` reads bytes (FastAPI's): UTF-8, UTF-16 or UTF-32 as the first
 * bytes say (`jsonEncoding`), a byte order mark before them dropped; undefined when the bytes are not that encoding —
 * FastAPI refuses those rather than read them with replacement characters.
 */
export function jsonText(bytes: Buffer): string | undefined {
  const encoding = jsonEncoding(bytes);
  try {
    if (encoding === 'utf-8') return STRICT_UTF8.decode(bytes);
    if (encoding === 'utf-16le' || encoding === 'utf-16be') return STRICT_UTF16[encoding].decode(bytes);
    return utf32Text(bytes, encoding === 'utf-32le');
  } catch {
    return undefined;
  }
}

/** UTF-32 bytes as text (TextDecoder has no UTF-32), a byte order mark dropped; throws for what is not UTF-32. */
function utf32Text(bytes: Buffer, littleEndian: boolean): string {
  if (bytes.length % 4 !== 0) throw new RangeError('not whole UTF-32 code units');
  const points: number[] = [];
  for (let at = 0; at < bytes.length; at += 4) {
    const point = littleEndian ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at);
    if (point > 0x10ffff) throw new RangeError('not a code point');
    if (at > 0 || point !== 0xfeff) points.push(point);
  }
  let text = '';
  // In slices: a call's arguments are bounded.
  for (let from = 0; from < points.length; from += 8192)
    text += String.fromCodePoint(...points.slice(from, from + 8192));
  return text;
}

/** The 400's detail for JSON bytes that are not what their first bytes say (`jsonText` undefined), and where. */
export function notUtf8Detail(bytes: Buffer): string {
  const encoding = jsonEncoding(bytes);
  if (encoding !== 'utf-8') {
    return `Request body is not valid ${encoding.toUpperCase()}, as its first bytes say it is: send JSON encoded as UTF-8`;
  }
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
